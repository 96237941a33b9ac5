/* TEMPORARY until branch keys is merged */
#include <stdio.h>
#include "scenario.h"
#include "zz_keys_stub.h"
static const scenario_key stub[] = {{"[tier NAME]", "exit", "value", "[0, 1]", "0", "stub"}};
const scenario_key *scenario_keys(size_t *n) { *n = 1; return stub; }
void scenario_key_markdown(const scenario_key *k, char *buf, size_t len) { snprintf(buf, len, "| %s | %s |", k->section, k->name); }
