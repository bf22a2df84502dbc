// CPNG shim
