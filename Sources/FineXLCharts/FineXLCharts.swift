// The FineXLCharts module; see the files beside this one.
