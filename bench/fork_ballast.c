/*
 * fork_ballast: makes a server's process carry 100 MiB of memory before it
 * serves, for chapter 6's benchmark only (./course bench ch06).
 *
 * What fork() costs grows with the parent's memory: the child gets a copy
 * of the parent's page tables (one entry per 4 KiB page in use, 25,600 for
 * 100 MiB), and each of those pages is then shared copy-on-write until
 * one of the two processes ends. A demo that has touched a few MiB forks
 * cheaply; a server that has built a 100 MiB cache before serving pays for
 * it at every request. The benchmark shows both, with the same program.
 *
 * How: a shared library loaded into the server with LD_PRELOAD, whose
 * constructor runs before the server's main(). It maps FORK_BALLAST_MIB
 * mebibytes (100 if unset) and writes every page of them, so that they are
 * resident and in the page tables, then leaves them alone: the server
 * never reads them, and each child inherits them. Not a program of its own
 * built from the chapter's classes, nor an option of the demo: the demo's
 * command line is the course's contract, and what is timed is the very
 * program a reader runs, with nothing changed but the memory it carries.
 * A constructor runs when a program starts, not when it forks: the
 * children inherit the ballast without making it again.
 *
 * Used as: env LD_PRELOAD=build/lib/libfork_ballast.so build/bin/ch06_echo_server ...
 * (env replaces itself with the server: the pid the load tool started is
 * the server's, and its CPU is what /proc reports for that pid).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Kept in a global: the mapping must look used, and stay. */
void* fork_ballast;

__attribute__((constructor)) static void carry_ballast(void) {
    const char* text = getenv("FORK_BALLAST_MIB");
    long mib = text != NULL ? strtol(text, NULL, 10) : 100;
    if (mib <= 0) {
        return;
    }
    size_t size = (size_t)mib << 20;
    char* memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        perror("fork_ballast: mmap");
        _exit(1);
    }
    /* Small pages, as most of a program's heap is: where the system hands
     * 2 MiB pages to any large mapping, 100 MiB would take 50 entries
     * instead of 25,600 and fork() would hardly notice it. */
    madvise(memory, size, MADV_NOHUGEPAGE);
    long page = sysconf(_SC_PAGESIZE);
    for (size_t offset = 0; offset < size; offset += (size_t)page) {
        memory[offset] = 1;
    }
    fork_ballast = memory;
}
