#define _DEFAULT_SOURCE /* wait4 */
/* bench_engine -- throughput and peak memory of the runner on a scenario,
 * against a straightforward baseline in the same invocation.
 *
 *   bench_engine SCENARIO REPS... 
 *
 * For each REPS, each configuration runs in a child process of its own, so
 * that its peak RSS (wait4's ru_maxrss) is its alone:
 *   tiersim-1   xoshiro256++ with BTRS/PTRS samplers, 1 thread
 *   tiersim-2   the same, 2 threads
 *   baseline-1  mt19937 with gsl_ran_binomial / gsl_ran_poisson for every draw, 1 thread
 * Throughput is replication-years per second (replications x simulated years). */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "scenario.h"

typedef struct {
    const char *name;
    int threads;
    engine_samplers samplers;
} config;

static const config configs[] = {
    {"tiersim-1", 1, ENGINE_FAST},
    {"tiersim-2", 2, ENGINE_FAST},
    {"baseline-1", 1, ENGINE_GSL},
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Runs one configuration in a child; returns seconds and peak RSS (KiB). */
static int measure(const char *path, const config *c, uint64_t reps, double *secs, long *rss_kb)
{
    int fd[2];
    if (pipe(fd) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fd[0]);
        scenario *s;
        ts_err err;
        if (scenario_load(&s, path, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            _exit(2);
        }
        runner_opts o;
        runner_opts_init(&o, s);
        o.replications = reps;
        o.threads = c->threads;
        o.samplers = c->samplers;
        runner_result *r;
        double t0 = now();
        if (runner_run(s, &o, &r, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            _exit(1);
        }
        double t = now() - t0;
        runner_result_free(r);
        scenario_free(s);
        if (write(fd[1], &t, sizeof t) != (ssize_t)sizeof t)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], secs, sizeof *secs);
    close(fd[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        got != (ssize_t)sizeof *secs)
        return -1;
    *rss_kb = ru.ru_maxrss;
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 3) {
        fprintf(stderr, "usage: bench_engine SCENARIO REPS...\n");
        return 2;
    }
    scenario *s;
    ts_err err;
    if (scenario_load(&s, argv[1], &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    size_t years = scenario_years(s);
    scenario_free(s);
    printf("%-11s %12s %10s %16s %10s\n", "config", "replications", "seconds", "rep-years/s",
           "peak MiB");
    for (int a = 2; a < argc; a++) {
        uint64_t reps = strtoull(argv[a], NULL, 10);
        double rate[3] = {0, 0, 0};
        for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
            double secs;
            long rss;
            if (measure(argv[1], &configs[c], reps, &secs, &rss) < 0) {
                fprintf(stderr, "bench_engine: %s failed\n", configs[c].name);
                return 1;
            }
            rate[c] = (double)reps * (double)years / secs;
            printf("%-11s %12llu %10.2f %16.0f %10.1f\n", configs[c].name,
                   (unsigned long long)reps, secs, rate[c], (double)rss / 1024.0);
            fflush(stdout);
        }
        printf("speed-up over baseline-1 at %llu replications: 1 thread %.2fx, 2 threads %.2fx\n\n",
               (unsigned long long)reps, rate[0] / rate[2], rate[1] / rate[2]);
    }
    return 0;
}
