# Threads and futexes (issue 6): musl pthread programs on -smp 4.

@test
def threads_pthreads_smp4(ctx):
    """pthreads: 4 threads, a mutex and a condition variable give the right total 100 runs in a row on -smp 4."""
    sh = Shell(ctx, extra=['-smp', '4'])
    sh.must('/usr/libexec/matrioska-tests/pthreads', r'^pthreads: 100 runs, total ok$')
