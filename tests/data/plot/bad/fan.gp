# A broken chart script for the tests: it calls a function gnuplot does not know.
load meta
print nosuchfunction(1)
