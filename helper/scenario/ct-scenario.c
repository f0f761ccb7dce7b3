#define G_LOG_DOMAIN "CtScenario"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-escape.h"
#include "ct-scenario.h"

/* a scenario: the layout names, freeing it, reading its file and finding the files */

const gchar *
ct_scenario_layout_to_string(CtScenarioLayout layout)
{
	return layout == CT_SCENARIO_LAYOUT_LEGACY ? "legacy" : "current";
}

gboolean
ct_scenario_layout_from_string(const gchar *text, CtScenarioLayout *layout)
{
	if (g_strcmp0(text, "legacy") == 0)
		*layout = CT_SCENARIO_LAYOUT_LEGACY;
	else if (g_strcmp0(text, "current") == 0)
		*layout = CT_SCENARIO_LAYOUT_CURRENT;
	else
		return FALSE;
	return TRUE;
}

void
ct_scenario_free(CtScenario *scenario)
{
	if (scenario == NULL)
		return;
	g_free(scenario->path);
	g_free(scenario->name);
	g_free(scenario->description);
	g_free(scenario->profile);
	g_free(scenario->server);
	g_free(scenario->address);
	g_ptr_array_unref(scenario->names);
	g_ptr_array_unref(scenario->steps);
	g_free(scenario);
}

/* what a file that is not a regular one is, for the error */
static const gchar *
ct_scenario_file_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* the whole of a regular file: opened without blocking (a FIFO would wait for a writer
 * for ever) and refused unless fstat() says regular; at most CT_SCENARIO_MAX_FILE bytes */
static gchar *
ct_scenario_read_file(const gchar *path, gsize *len, GError **error)
{
	g_autofree gchar *safe = ct_escape_for_terminal(path, -1, 0);
	g_autofree gchar *text = NULL;
	struct stat st;
	gsize done = 0;
	gint fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR,
			    saved == ENOENT ? CT_ERROR_NOT_FOUND : CT_ERROR_INVALID_ARGS,
			    "%s: cannot read it: %s", safe, g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		gint saved = errno;
		g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: cannot read it: %s", safe,
			    g_strerror(saved));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: expected a regular file, got %s", safe,
			    ct_scenario_file_type(st.st_mode));
		close(fd);
		return NULL;
	}
	if (st.st_size > CT_SCENARIO_MAX_FILE) {
		g_set_error(error, CT_ERROR, CT_ERROR_INVALID_ARGS,
			    "%s: expected a scenario file of at most %u bytes, got %lld", safe,
			    CT_SCENARIO_MAX_FILE, (long long)st.st_size);
		close(fd);
		return NULL;
	}
	text = g_malloc((gsize)st.st_size + 1);
	while (done < (gsize)st.st_size) {
		gssize got = read(fd, text + done, (gsize)st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			gint saved = got < 0 ? errno : EIO;
			g_set_error(error, CT_ERROR, CT_ERROR_FAILED, "%s: cannot read it: %s",
				    safe, g_strerror(saved));
			close(fd);
			return NULL;
		}
		done += (gsize)got;
	}
	close(fd);
	text[done] = '\0';
	*len = done;
	return g_steal_pointer(&text);
}

CtScenario *
ct_scenario_load(const gchar *path, GError **error)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;

	text = ct_scenario_read_file(path, &len, error);
	if (text == NULL)
		return NULL;
	return ct_scenario_parse(path, text, (gssize)len, error);
}

static gint
ct_scenario_compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* a directory's identity, to enter each one once (symbolic links may loop) */
static gchar *
ct_scenario_dir_key(const gchar *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	return g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
}

static gboolean
ct_scenario_find_files_under(const gchar *path,
			     GPtrArray *files,
			     GHashTable *visited,
			     GError **error)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) children = NULL;
	gchar *key = ct_scenario_dir_key(path);
	const gchar *name;

	/* a directory seen already (a link back up, or a second way to it): nothing new */
	if (key == NULL || !g_hash_table_add(visited, key))
		return TRUE;
	dir = g_dir_open(path, 0, error);
	if (dir == NULL) {
		ct_error_convert(error);
		return FALSE;
	}
	children = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) || g_str_has_suffix(name, ".scenario"))
			g_ptr_array_add(children, g_steal_pointer(&child));
	}
	g_ptr_array_sort(children, ct_scenario_compare_paths);
	for (guint i = 0; i < children->len; i++) {
		const gchar *child = g_ptr_array_index(children, i);
		if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
			if (!ct_scenario_find_files_under(child, files, visited, error))
				return FALSE;
		} else {
			g_ptr_array_add(files, g_strdup(child));
		}
	}
	return TRUE;
}

gboolean
ct_scenario_find_files(const gchar *path, GPtrArray *files, GError **error)
{
	g_autoptr(GHashTable) visited = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_autofree gchar *safe = ct_escape_for_terminal(path, -1, 0);
		g_set_error(error, CT_ERROR, CT_ERROR_NOT_FOUND, "%s: no such file or directory",
			    safe);
		return FALSE;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_ptr_array_add(files, g_strdup(path));
		return TRUE;
	}
	visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return ct_scenario_find_files_under(path, files, visited, error);
}
