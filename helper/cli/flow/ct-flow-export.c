/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "CtCli"

#include "config.h"

#include "ct-export.h"
#include "ct-flow-engine.h"
#include "ct-json.h"

/* Copy to File / Export: every format the browser's dialog offers */

gboolean
ct_flow_export(CtFlow *flow, GError **error)
{
	gboolean firefox = g_strcmp0(flow->browser, "firefox3") == 0;
	const CtExportOffer *offers = ct_export_get_browser_offers(flow->browser, error);
	g_autoptr(GPtrArray) paths = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GError) error_local = NULL;
	CtFlowStep *step;

	if (offers == NULL)
		return FALSE;
	step = ct_flow_step_new(flow, firefox ? "Certificate Manager - Servers"
					      : "Certificate - Details");
	ct_flow_click(step, firefox ? "Export..." : "Copy to File...");
	ct_flow_done(flow, step, "none");

	step = ct_flow_step_new(flow, firefox ? "Save Certificate to File"
					      : "Certificate Export Wizard - Export File Format");
	ct_flow_text(step, "%s", firefox ? "Save as type:" : "Select the format you want to use:");
	for (guint i = 0; offers[i].label != NULL; i++)
		ct_flow_text(step, "  %s", offers[i].label);
	ct_flow_click(step, firefox ? "Save" : "Finish");
	paths = ct_export_to_browser_dir(flow->chain, flow->browser, flow->export_dir, flow->force,
					 &error_local);
	if (paths == NULL) {
		if (g_error_matches(error_local, CT_ERROR, CT_ERROR_EXISTS))
			g_prefix_error(&error_local, "--export-dir: use --force to replace: ");
		ct_flow_result(step, "The export failed: %s", error_local->message);
		ct_flow_done(flow, step, "export");
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	json_builder_begin_array(builder);
	ct_flow_result(step, "%s",
		       firefox ? "saved, one file per type" : "The export was successful.");
	for (guint i = 0; i < paths->len; i++) {
		const gchar *path = g_ptr_array_index(paths, i);
		ct_flow_result(step, "%s  (%s)", path, offers[i].label);
		json_builder_begin_object(builder);
		ct_json_add_string(builder, "path", path);
		ct_json_add_string(builder, "format", ct_export_format_to_string(offers[i].format));
		ct_json_add_string(builder, "label", offers[i].label);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	ct_flow_set_extra(step, "files", json_builder_get_root(builder));
	ct_flow_done(flow, step, "export");
	return TRUE;
}
