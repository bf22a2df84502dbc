// CJPEG shim
