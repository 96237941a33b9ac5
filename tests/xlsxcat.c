/* xlsxcat -- the members of a zip archive (a workbook), for tests/commands.sh,
 * which cannot count on unzip on a fresh machine:
 *   xlsxcat FILE           one line per member: its name
 *   xlsxcat FILE MEMBER    the member, uncompressed (its CRC checked)
 * Exit 1 with one line on stderr when the archive or the member is bad. */
#include <stdio.h>
#include <stdlib.h>

#include "zipread.h"

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: xlsxcat FILE [MEMBER]\n");
        return 2;
    }
    zipr *z;
    ts_err err;
    if (zipr_open(&z, argv[1], &err) < 0) {
        fprintf(stderr, "xlsxcat: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    if (argc == 2) {
        for (size_t i = 0; i < zipr_count(z); i++)
            printf("%s\n", zipr_at(z, i)->name);
    } else {
        long i = zipr_find(z, argv[2]);
        char *data;
        size_t len;
        if (i < 0) {
            fprintf(stderr, "xlsxcat: %s: no member %s\n", argv[1], argv[2]);
            rc = 1;
        } else if (zipr_read(z, (size_t)i, &data, &len, &err) < 0) {
            fprintf(stderr, "xlsxcat: %s\n", err.msg);
            rc = 1;
        } else {
            fwrite(data, 1, len, stdout);
            free(data);
        }
    }
    zipr_close(z);
    return fflush(stdout) == 0 && rc == 0 ? 0 : 1;
}
