/* TEMPORARY until branch keys is merged */
#include <stddef.h>
typedef struct { const char *section, *name, *kind, *range, *deflt, *meaning; } scenario_key;
const scenario_key *scenario_keys(size_t *n);
void scenario_key_markdown(const scenario_key *k, char *buf, size_t len);
