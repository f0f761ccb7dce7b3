#pragma once

#include <json-glib/json-glib.h>

#include "ct-chain.h"

/* the certificate object of DESIGN.md section 4 (plus role and extras) */
void
ct_json_add_certificate(JsonBuilder *builder, CtCertificate *certificate, const gchar *role);
/* {"source","certificates":[...],"problems":[...]} members, into an open object */
void
ct_json_add_chain_members(JsonBuilder *builder, CtChain *chain);
/* "redirect": {"status","location","followed":false} when the first access was answered
 * with a 3xx (never followed); nothing otherwise */
void
ct_json_add_redirect(JsonBuilder *builder, CtChain *chain);
/* one chain's members, or "results": [one object per chain] for several */
void
ct_json_add_chains_members(JsonBuilder *builder, GPtrArray *chains);
gchar *
ct_json_to_string(JsonBuilder *builder, gboolean pretty);
