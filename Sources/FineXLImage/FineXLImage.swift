// The FineXLImage module; see the files beside this one.
