/* cmd_common.c -- pieces every command shares. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

char cmd_full_line[CMD_LINE_MAX];

void cmd_line(int argc, char **argv, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used + 1 < len; i++) {
        /* Quote arguments a shell would split, so the line can be re-run. */
        int plain = argv[i][0] != '\0' && strcspn(argv[i], " \t\n'\"$\\;&|<>()*?`") == strlen(argv[i]);
        int n = snprintf(buf + used, len - used, plain ? "%s%s" : "%s'%s'", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
