// The FineXLNotebook module; see the files beside this one.
