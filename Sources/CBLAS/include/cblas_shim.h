// CBLAS shim
