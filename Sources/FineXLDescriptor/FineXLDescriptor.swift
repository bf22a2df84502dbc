// The FineXLDescriptor module; see the files beside this one.
