// The FineXLPipeline module; see the files beside this one.
