/* Object specs as a legacy program uses them, each step its own process (objects.sh):
 *   create FILE OBJIDFILE   makes a spec of otype Compat_Doc in FILE with string, multi-valued and
 *                           byte properties, writes it, and keeps its objid in OBJIDFILE;
 *   query FILE OBJIDFILE    finds it with tt_file_objects_query, reads it back, and sends it an
 *                           object-addressed request (objid only, no otype) that starts the
 *                           otype's handler (started.c object) and gets its reply;
 *   move OLD NEW OBJIDFILE  after the file was renamed, tt_file_move carries the specs;
 *   access DIR              as an unprivileged user: the file's permissions decide (objects_access.sh);
 *   count FILE N            the file has N specs (for the tests of ttmv, ttcp, ttrm, ttrmdir). */
#include "check.h"

#include <limits.h>
#include <sys/stat.h>

static const char zero_objid[] = "ttbus:00000000000000000000000000000000";

static void read_objid(const char *path, char *objid, size_t size)
{
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK(fgets(objid, (int)size, f) != NULL);
	fclose(f);
	objid[strcspn(objid, "\n")] = '\0';
}

struct found {
	int count;
	char objid[128];
};

static Tt_filter_action collect(const char *objid, void *context, void *accumulator)
{
	struct found *f = accumulator;
	CHECK(strcmp(context, "ctx") == 0);
	snprintf(f->objid, sizeof f->objid, "%s", objid);
	f->count++;
	return TT_FILTER_CONTINUE;
}

static Tt_filter_action stop_at_first(const char *objid, void *context, void *accumulator)
{
	(void)objid;
	(void)context;
	(*(int *)accumulator)++;
	return TT_FILTER_STOP;
}

static struct found objects_of(const char *file)
{
	struct found f;
	memset(&f, 0, sizeof f);
	CHECK_STATUS(tt_file_objects_query(file, collect, "ctx", &f), TT_OK);
	return f;
}

static void create(const char *file, const char *objid_file)
{
	static const unsigned char raw[] = {0, 1, 255, 'x'};
	char longname[80];
	unsigned char *bytes;
	int length;
	FILE *out;
	char *objid, *untyped;

	CHECK_STATUS(tt_ptr_error(tt_spec_create(NULL)), TT_ERR_PATH);
	objid = tt_spec_create(file);
	CHECK_STATUS(tt_ptr_error(objid), TT_OK);
	CHECK(strncmp(objid, "ttbus:", 6) == 0);
	/* Nothing is written before tt_spec_write: this process's copy is what it reads. */
	CHECK_STATUS(tt_ptr_error(tt_spec_type(objid)), TT_ERR_OTYPE);
	CHECK_STATUS(tt_spec_type_set(objid, "Compat_Doc"), TT_OK);
	CHECK_STATUS(tt_spec_prop_set(objid, TT_OBJECT_NAME_PROPERTY, "first"), TT_OK);
	CHECK_STATUS(tt_spec_prop_add(objid, "colour", "red"), TT_OK);
	CHECK_STATUS(tt_spec_prop_add(objid, "colour", "green"), TT_OK);
	CHECK_STATUS(tt_spec_bprop_set(objid, "raw", raw, (int)sizeof raw), TT_OK);
	CHECK_STATUS(tt_spec_prop_set(objid, "gone", "soon"), TT_OK);
	CHECK_STATUS(tt_spec_prop_set(objid, "gone", NULL), TT_OK); /* NULL removes it */
	CHECK_STATUS(tt_spec_propnames_count(objid), 3);
	CHECK_STATUS(tt_spec_prop_count(objid, "colour"), 2);
	CHECK_STATUS(tt_spec_prop_count(objid, "gone"), 0);
	CHECK_STR(tt_spec_type(objid), "Compat_Doc");
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK_STATUS(tt_spec_prop_set(objid, longname, "v"), TT_ERR_PROPNAME);
	CHECK_STATUS(tt_spec_prop_set(objid, NULL, "v"), TT_ERR_PROPNAME);
	CHECK_STATUS(tt_spec_bprop(objid, "raw", 0, NULL, &length), TT_ERR_POINTER);
	CHECK_STATUS(tt_spec_prop_add(objid, "colour", NULL), TT_ERR_POINTER);
	CHECK_STATUS(tt_spec_bprop_add(objid, "raw", raw, -1), TT_ERR_NUM);
	/* Not yet in the broker: another objid of the file is unknown to it. */
	CHECK_STATUS(tt_spec_write(zero_objid), TT_ERR_OBJID);
	CHECK_STATUS(tt_ptr_error(tt_spec_file("not an objid")), TT_ERR_OBJID);
	CHECK_STATUS(tt_spec_write(objid), TT_OK);
	CHECK_STATUS(tt_spec_bprop(objid, "raw", 0, &bytes, &length), TT_OK);
	CHECK(length == (int)sizeof raw && memcmp(bytes, raw, sizeof raw) == 0);

	/* A spec written without a type is refused; destroying an unwritten spec forgets it. */
	untyped = tt_spec_create(file);
	CHECK_STATUS(tt_spec_write(untyped), TT_ERR_OTYPE);
	CHECK_STATUS(tt_spec_destroy(untyped), TT_OK);
	CHECK_STATUS(tt_ptr_error(tt_spec_file(untyped)), TT_ERR_OBJID);

	out = fopen(objid_file, "w");
	CHECK(out != NULL);
	fprintf(out, "%s\n", objid);
	fclose(out);
}

static void query(const char *file, const char *objid_file)
{
	static const unsigned char raw[] = {0, 1, 255, 'x'};
	char objid[128], real[PATH_MAX], expected[PATH_MAX + 64];
	struct found f;
	unsigned char *bytes;
	int length, stops = 0;
	Tt_message m, reply, unknown;
	Tt_state state;

	read_objid(objid_file, objid, sizeof objid);
	CHECK(realpath(file, real) != NULL);
	f = objects_of(file);
	CHECK(f.count == 1);
	CHECK(tt_objid_equal(f.objid, objid) == 1);
	CHECK(tt_objid_equal(f.objid, zero_objid) == 0);
	CHECK_STR(tt_objid_objkey(objid), objid + 6);
	CHECK_STATUS(tt_file_objects_query(file, stop_at_first, NULL, &stops), TT_WRN_STOPPED);
	CHECK(stops == 1);

	CHECK_STR(tt_spec_file(objid), real);
	CHECK_STR(tt_spec_type(objid), "Compat_Doc");
	CHECK_STATUS(tt_spec_propnames_count(objid), 3);
	CHECK_STR(tt_spec_propname(objid, 0), TT_OBJECT_NAME_PROPERTY);
	CHECK_STR(tt_spec_propname(objid, 1), "colour");
	CHECK_STR(tt_spec_propname(objid, 2), "raw");
	CHECK_STATUS(tt_ptr_error(tt_spec_propname(objid, 3)), TT_ERR_NUM);
	CHECK_STR(tt_spec_prop(objid, TT_OBJECT_NAME_PROPERTY, 0), "first");
	CHECK_STATUS(tt_spec_prop_count(objid, "colour"), 2);
	CHECK_STR(tt_spec_prop(objid, "colour", 1), "green");
	CHECK_STATUS(tt_spec_bprop(objid, "raw", 0, &bytes, &length), TT_OK);
	CHECK(length == (int)sizeof raw && memcmp(bytes, raw, sizeof raw) == 0);

	/* A change made here is seen by the next process once written. */
	CHECK_STATUS(tt_spec_prop_set(objid, "colour", "blue"), TT_OK);
	CHECK_STATUS(tt_spec_write(objid), TT_OK);
	CHECK_STATUS(tt_spec_prop_count(objid, "colour"), 1);

	/* Addressed by objid alone: the broker finds the otype (and file) in the spec, and the
	 * otype's signature starts its handler ptype. */
	m = tt_orequest_create(objid, "Hilite");
	CHECK_STATUS(tt_ptr_error(m), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_INOUT, "string", "word"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	for (;;) {
		reply = next_message(20000);
		CHECK(reply == m);
		state = tt_message_state(reply);
		if (state == TT_HANDLED || state == TT_FAILED)
			break;
		CHECK(state == TT_STARTED || state == TT_SENT);
	}
	CHECK_STATUS(state, TT_HANDLED);
	snprintf(expected, sizeof expected, "word in %s", real);
	CHECK_STR(tt_message_arg_val(m, 0), expected);

	/* An objid with no spec: refused at send, as classic libtt did. */
	unknown = tt_orequest_create(zero_objid, "Hilite");
	CHECK_STATUS(tt_message_send(unknown), TT_ERR_OBJID);
}

static void move(const char *old_file, const char *new_file, const char *objid_file)
{
	char objid[128], real[PATH_MAX];
	struct found f;
	read_objid(objid_file, objid, sizeof objid);
	CHECK_STATUS(tt_file_move(old_file, new_file), TT_OK);
	CHECK(realpath(new_file, real) != NULL);
	CHECK(objects_of(old_file).count == 0);
	f = objects_of(new_file);
	CHECK(f.count == 1);
	CHECK(strcmp(f.objid, objid) == 0);
	CHECK_STR(tt_spec_file(objid), real);
	CHECK_STR(tt_spec_prop(objid, "colour", 0), "blue");
	/* tt_spec_move keeps the objid; tt_file_copy makes new specs; tt_file_destroy drops them. */
	CHECK_STR(tt_spec_move(objid, old_file), objid);
	CHECK(objects_of(old_file).count == 1);
	CHECK_STATUS(tt_file_copy(old_file, new_file), TT_OK);
	f = objects_of(new_file);
	CHECK(f.count == 1 && tt_objid_equal(f.objid, objid) == 0);
	CHECK_STR(tt_spec_prop(f.objid, "colour", 0), "blue");
	CHECK_STATUS(tt_file_destroy(new_file), TT_OK);
	CHECK(objects_of(new_file).count == 0);
	CHECK_STATUS(tt_ptr_error(tt_spec_type(f.objid)), TT_ERR_OBJID);
	CHECK_STATUS(tt_spec_destroy(objid), TT_OK);
	CHECK_STATUS(tt_spec_destroy(objid), TT_ERR_OBJID);
	CHECK_STATUS(tt_file_move(NULL, new_file), TT_ERR_PATH);
}

static void make_file(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fclose(f);
	CHECK(chmod(path, mode) == 0);
}

static char *written_spec(const char *file)
{
	char *objid = tt_spec_create(file);
	CHECK_STATUS(tt_ptr_error(objid), TT_OK);
	CHECK_STATUS(tt_spec_type_set(objid, "Compat_Doc"), TT_OK);
	return objid;
}

/* DIR holds other.txt (another user's, mode 0600), readable.txt (another user's, 0644) and
 * grouped.txt (another user's, 0660, of a supplementary group of this process's); this
 * (unprivileged) process makes its own files in DIR/mine. */
static void access_checks(const char *dir)
{
	char noread[PATH_MAX], readonly[PATH_MAX], other[PATH_MAX], readable[PATH_MAX], grouped[PATH_MAX];
	char *objid;
	struct found f;
	int unused = 0;

	CHECK(getuid() != 0);
	CHECK(strlen(dir) < 1024);
	snprintf(noread, sizeof noread, "%s/mine/noread.txt", dir);
	snprintf(readonly, sizeof readonly, "%s/mine/readonly.txt", dir);
	snprintf(other, sizeof other, "%s/other.txt", dir);
	snprintf(readable, sizeof readable, "%s/readable.txt", dir);
	snprintf(grouped, sizeof grouped, "%s/grouped.txt", dir);

	/* Write permission without read: specs can be made but not read. */
	make_file(noread, 0200);
	objid = written_spec(noread);
	CHECK_STATUS(tt_spec_write(objid), TT_OK);
	CHECK_STATUS(tt_file_objects_query(noread, collect, "ctx", &f), TT_ERR_ACCESS);
	CHECK_STATUS(tt_ptr_error(tt_spec_type(objid)), TT_ERR_ACCESS);
	CHECK_STATUS(tt_spec_prop_count(objid, "x"), -TT_ERR_ACCESS);
	CHECK(chmod(noread, 0600) == 0);
	f = objects_of(noread);
	CHECK(f.count == 1 && strcmp(f.objid, objid) == 0);

	/* Read permission without write: specs can be read, not changed. */
	CHECK(chmod(noread, 0400) == 0);
	CHECK_STR(tt_spec_type(objid), "Compat_Doc");
	CHECK_STATUS(tt_spec_prop_set(objid, "p", "v"), TT_OK); /* a local change ... */
	CHECK_STATUS(tt_spec_write(objid), TT_ERR_ACCESS);      /* ... that cannot be written */
	CHECK_STATUS(tt_spec_destroy(objid), TT_ERR_ACCESS);
	CHECK_STATUS(tt_file_destroy(noread), TT_ERR_ACCESS);
	make_file(readonly, 0400);
	CHECK_STATUS(tt_spec_write(written_spec(readonly)), TT_ERR_ACCESS);
	CHECK(objects_of(readonly).count == 0);

	/* Another user's files: their modes for "other" decide. */
	if (access(other, F_OK) == 0) {
		CHECK_STATUS(tt_file_objects_query(other, stop_at_first, NULL, &unused), TT_ERR_ACCESS);
		CHECK_STATUS(tt_spec_write(written_spec(other)), TT_ERR_ACCESS);
		CHECK_STATUS(tt_file_destroy(other), TT_ERR_ACCESS);
		CHECK_STATUS(tt_file_move(other, noread), TT_ERR_ACCESS);
		CHECK_STATUS(tt_file_copy(other, noread), TT_ERR_ACCESS);
		CHECK(objects_of(readable).count == 0);
		CHECK_STATUS(tt_spec_write(written_spec(readable)), TT_ERR_ACCESS);
		CHECK_STATUS(tt_file_copy(readable, noread), TT_ERR_ACCESS); /* noread is 0400 now */
	}
	/* The group's permissions, through a supplementary group (the broker knows the caller's). */
	if (access(grouped, F_OK) == 0) {
		objid = written_spec(grouped);
		CHECK_STATUS(tt_spec_write(objid), TT_OK);
		f = objects_of(grouped);
		CHECK(f.count == 1 && strcmp(f.objid, objid) == 0);
	}
}

int main(int argc, char **argv)
{
	CHECK(argc >= 3);
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	if (strcmp(argv[1], "create") == 0 && argc == 4)
		create(argv[2], argv[3]);
	else if (strcmp(argv[1], "query") == 0 && argc == 4)
		query(argv[2], argv[3]);
	else if (strcmp(argv[1], "move") == 0 && argc == 5)
		move(argv[2], argv[3], argv[4]);
	else if (strcmp(argv[1], "count") == 0 && argc == 4)
		CHECK_STATUS(objects_of(argv[2]).count, atoi(argv[3]));
	else if (strcmp(argv[1], "access") == 0)
		access_checks(argv[2]);
	else
		CHECK(!"usage: objects create|query|move|access ...");
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
