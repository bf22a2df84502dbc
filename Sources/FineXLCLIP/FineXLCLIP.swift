// The FineXLCLIP module; see the files beside this one.
