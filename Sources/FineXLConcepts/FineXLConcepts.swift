// The FineXLConcepts module; see the files beside this one.
