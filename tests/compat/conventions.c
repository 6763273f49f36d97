/* The API conventions of classic libtt: TT_ERR_NOMP before tt_open, error pointers that read as
 * "", negated int statuses, the tt_error hook, the storage stack, argument auditing, destroyed
 * handles, several procids, and a reopen after the last close. */
#include "check.h"

static int hook_calls;
static Tt_status hook_last;

/* Interposes the library's empty hook, as applications may. */
void tt_error(const char *func, Tt_status ttrc)
{
	(void)func;
	hook_calls++;
	hook_last = ttrc;
}

static void before_open(void)
{
	char *p = tt_default_procid();
	char *text;
	CHECK(tt_ptr_error(p) == TT_ERR_NOMP);
	CHECK(*p == '\0'); /* error pointers are readable */
	CHECK(hook_calls == 1 && hook_last == TT_ERR_NOMP);
	CHECK(tt_ptr_error(tt_message_create()) == TT_ERR_NOMP);
	CHECK(tt_ptr_error(tt_pattern_create()) == TT_ERR_NOMP);
	CHECK(tt_int_error(tt_fd()) == TT_ERR_NOMP);
	CHECK_STATUS(tt_close(), TT_ERR_NOMP);
	CHECK_STATUS(tt_session_join("x"), TT_ERR_NOMP);
	CHECK(tt_ptr_error(tt_message_receive()) == TT_ERR_NOMP);
	text = tt_status_message(TT_ERR_NOMP);
	CHECK(strncmp(text, "TT_ERR_NOMP\t", 12) == 0);
	tt_free(text);
}

static void helpers(void)
{
	int st, mark, mark2;
	char *a, *b;
	CHECK(tt_pointer_error(NULL) == TT_OK);
	CHECK(tt_pointer_error("a string") == TT_OK);
	CHECK(tt_pointer_error(tt_error_pointer(TT_ERR_POINTER)) == TT_ERR_POINTER);
	CHECK(tt_int_error(5) == TT_OK);
	CHECK(tt_int_error(tt_error_int(TT_ERR_NUM)) == TT_ERR_NUM);
	CHECK(tt_is_err(TT_ERR_CLASS) && !tt_is_err(TT_WRN_START_MESSAGE) && !tt_is_err(TT_OK));
	CHECK(TT_VERSION == 10300);
	for (st = 0; st < TT_STATUS_LAST; st++) {
		char *t = tt_status_message((Tt_status)st);
		CHECK(t != NULL && strchr(t, '\t') != NULL);
		tt_free(t);
	}
	CHECK(strncmp(tt_status_message(TT_ERR_INVALID), "TT_ERR_INVALID\t", 15) == 0);

	mark = tt_mark();
	a = tt_malloc(10);
	strcpy(a, "123456789");
	mark2 = tt_mark();
	b = tt_status_message(TT_OK);
	tt_release(mark2); /* frees b only */
	CHECK(strcmp(a, "123456789") == 0);
	tt_free(a);
	tt_free(a + 1); /* not a block: ignored */
	tt_free((caddr_t)"static");
	tt_release(12345); /* unknown mark: ignored */
	tt_release(mark);
	(void)b;
}

static void auditing(void)
{
	Tt_message m = tt_message_create(), dead;
	Tt_pattern p = tt_pattern_create();
	int i;
	CHECK(tt_ptr_error(m) == TT_OK && m != NULL);
	CHECK_STATUS(tt_message_op_set(NULL, "x"), TT_ERR_POINTER);
	CHECK_STATUS(tt_message_class(NULL), TT_CLASS_UNDEFINED);
	CHECK_STATUS(tt_message_class_set(m, (Tt_class)17), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_address_set(m, (Tt_address)9), TT_ERR_ADDRESS);
	CHECK_STATUS(tt_message_scope_set(m, (Tt_scope)9), TT_ERR_SCOPE);
	CHECK_STATUS(tt_message_disposition_set(m, (Tt_disposition)8), TT_ERR_DISPOSITION);
	CHECK_STATUS(tt_message_arg_add(m, (Tt_mode)7, "string", "x"), TT_ERR_MODE);
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "text"), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 3), TT_OK);
	CHECK_STATUS(tt_message_arg_ival(m, 0, &i), TT_ERR_NUM);
	CHECK_STATUS(tt_message_arg_ival(m, 2, &i), TT_ERR_NUM);
	CHECK(tt_ptr_error(tt_message_arg_val(m, 5)) == TT_ERR_NUM);
	CHECK(tt_ptr_error(tt_message_arg_val(m, -1)) == TT_ERR_NUM);
	CHECK_STR(tt_message_arg_val(m, 1), "3"); /* an int read as a string: not an error (classic) */
	CHECK(tt_int_error(tt_message_args_count(NULL)) == TT_ERR_POINTER);
	CHECK(tt_ptr_error(tt_message_context_val(m, "nope")) == TT_ERR_SLOTNAME);
	CHECK_STATUS(tt_message_context_set(m, "zz", "last"), TT_OK);
	CHECK_STATUS(tt_message_icontext_set(m, "aa", 5), TT_OK);
	CHECK_STATUS(tt_message_contexts_count(m), 2);
	CHECK_STR(tt_message_context_slotname(m, 0), "aa"); /* sorted by slot */
	CHECK_STATUS(tt_message_context_ival(m, "aa", &i), TT_OK);
	CHECK(i == 5);
	CHECK_STATUS(tt_message_op_set(m, tt_error_pointer(TT_ERR_NOMP)), TT_ERR_POINTER);
	/* Defaults of a new message (facts §1.6). */
	CHECK_STATUS(tt_message_state(m), TT_CREATED);
	CHECK_STATUS(tt_message_address(m), TT_ADDRESS_LAST);
	CHECK_STATUS(tt_message_scope(m), TT_SCOPE_NONE);
	CHECK_STATUS(tt_message_opnum(m), -1);
	CHECK_STATUS(tt_message_send(m), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_class_set(m, TT_NOTICE), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_ERR_ADDRESS);
	CHECK_STATUS(tt_message_address_set(m, TT_PROCEDURE), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_ERR_SCOPE);
	CHECK_STATUS(tt_message_user_set(m, -99999, (void *)&i), TT_OK);
	CHECK(tt_message_user(m, -99999) == (void *)&i);
	CHECK(tt_message_user(m, 0) == NULL);

	/* Destroyed handles are recognised, never used. */
	dead = m;
	CHECK_STATUS(tt_message_destroy(m), TT_OK);
	CHECK_STATUS(tt_message_destroy(dead), TT_ERR_POINTER);
	CHECK(tt_ptr_error(tt_message_op(dead)) == TT_ERR_POINTER);
	CHECK_STATUS(tt_message_send(dead), TT_ERR_POINTER);
	CHECK_STATUS(tt_message_reply(dead), TT_ERR_POINTER);

	CHECK_STATUS(tt_pattern_register(p), TT_ERR_CATEGORY);
	CHECK_STATUS(tt_pattern_category_set(p, TT_OBSERVE), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(p, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_pattern_context_add(p, "slot", NULL), TT_OK); /* a wildcard slot */
	CHECK_STATUS(tt_pattern_register(p), TT_OK);
	CHECK_STATUS(tt_pattern_register(p), TT_ERR_INVALID);
	CHECK_STATUS(tt_pattern_destroy(p), TT_OK);
	CHECK_STATUS(tt_pattern_destroy(p), TT_ERR_POINTER);

	CHECK_STATUS(tt_ptype_declare("No_Such_Ptype"), TT_ERR_PTYPE);
	CHECK_STATUS(tt_session_join("bogus session"), TT_ERR_SESSION);
	CHECK_STATUS(tt_session_join(NULL), TT_ERR_POINTER);
	CHECK_STATUS(tt_context_join("unused_slot", "v"), TT_OK);
	CHECK_STATUS(tt_feature_required(TT_FEATURE_MULTITHREADED), TT_ERR_UNIMP);
	CHECK_STATUS(tt_feature_enabled(TT_FEATURE_MULTITHREADED), TT_WRN_NOT_ENABLED);
}

static void files_and_sessions(void)
{
	char *nf, *f;
	char dir[] = "/tmp/ttcompatXXXXXX";
	char path[64], link_path[64];
	FILE *fp;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/doc.txt", dir);
	snprintf(link_path, sizeof link_path, "%s/link.txt", dir);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	fclose(fp);
	CHECK(symlink("doc.txt", link_path) == 0);
	CHECK_STATUS(tt_default_file_set(link_path), TT_OK);
	CHECK_STR(tt_default_file(), path); /* real path */
	nf = tt_file_netfile(path);
	CHECK(tt_ptr_error(nf) == TT_OK && strchr(nf, ':') != NULL);
	f = tt_netfile_file(nf);
	CHECK_STR(f, path);
	CHECK(tt_ptr_error(tt_netfile_file("no colon")) == TT_ERR_NETFILE);
	CHECK_STATUS(tt_file_join(path), TT_OK);
	CHECK_STATUS(tt_file_quit(path), TT_OK);
	CHECK_STATUS(tt_file_join(path), TT_OK); /* and close without quitting */
	unlink(link_path);
	unlink(path);
	rmdir(dir);

	CHECK_STR(tt_initial_session(), tt_default_session());
	CHECK_STATUS(tt_session_prop_set(tt_default_session(), "color", "blue"), TT_OK);
	CHECK_STATUS(tt_session_prop_add(tt_default_session(), "color", "red"), TT_OK);
	CHECK_STATUS(tt_session_prop_count(tt_default_session(), "color"), 2);
	CHECK_STR(tt_session_prop(tt_default_session(), "color", 1), "red");
	CHECK(tt_ptr_error(tt_session_prop(tt_default_session(), "color", 2)) == TT_ERR_NUM);
	CHECK(tt_session_propnames_count(tt_default_session()) >= 1);
	CHECK_STR(tt_procid_session(tt_default_procid()), tt_default_session());
}

/* tt_message_print and tt_pattern_print: one "\tname: value" line per attribute that is set. */
static void printing(void)
{
	Tt_message m = tt_message_create();
	Tt_pattern p = tt_pattern_create();
	char *text;
	CHECK_STATUS(tt_message_class_set(m, TT_REQUEST), TT_OK);
	CHECK_STATUS(tt_message_address_set(m, TT_PROCEDURE), TT_OK);
	CHECK_STATUS(tt_message_scope_set(m, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_message_op_set(m, "Print"), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 7), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, "string", "a\"b"), TT_OK);
	text = tt_message_print(m);
	CHECK(tt_ptr_error(text) == TT_OK);
	CHECK(strncmp(text, "Tt_message ", 11) == 0);
	CHECK(strstr(text, "\tstate: TT_CREATED\n") != NULL);
	CHECK(strstr(text, "\tclass: TT_REQUEST\n") != NULL);
	CHECK(strstr(text, "\taddress: TT_PROCEDURE\n") != NULL);
	CHECK(strstr(text, "\tscope: TT_SESSION\n") != NULL);
	CHECK(strstr(text, "\tdisposition: 0\n") != NULL);
	CHECK(strstr(text, "\top: Print\n") != NULL);
	CHECK(strstr(text, "\targ 0: TT_IN int 7\n") != NULL);
	CHECK(strstr(text, "\targ 1: TT_OUT string \"a\\042b\"\n") != NULL);
	CHECK(strstr(text, "\tobject: ") == NULL); /* unset: no line */
	tt_free(text);
	CHECK_STATUS(tt_pattern_category_set(p, TT_OBSERVE), TT_OK);
	CHECK_STATUS(tt_pattern_op_add(p, "a"), TT_OK);
	CHECK_STATUS(tt_pattern_op_add(p, "b"), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(p, TT_SESSION), TT_OK);
	text = tt_pattern_print(p);
	CHECK(tt_ptr_error(text) == TT_OK);
	CHECK(strncmp(text, "Tt_pattern\n", 11) == 0);
	CHECK(strstr(text, "\tcategory: 1\n") != NULL);
	CHECK(strstr(text, "\tops: a b\n") != NULL);
	CHECK(strstr(text, "\tscopes: 1\n") != NULL);
	CHECK(strstr(text, "\tfiles: ") == NULL);
	tt_free(text);
	CHECK_STATUS(tt_message_destroy(m), TT_OK);
	CHECK_STATUS(tt_pattern_destroy(p), TT_OK);
}

int main(void)
{
	char *first, *second;
	before_open();
	helpers();
	first = tt_open();
	CHECK(tt_ptr_error(first) == TT_OK);
	auditing();
	files_and_sessions();
	printing();

	/* A second procid becomes the default; each has its own descriptor. */
	second = tt_open();
	CHECK(tt_ptr_error(second) == TT_OK && strcmp(first, second) != 0);
	CHECK_STR(tt_default_procid(), second);
	CHECK(tt_fd() >= 0);
	CHECK_STATUS(tt_default_procid_set(first), TT_OK);
	CHECK_STR(tt_default_procid(), first);
	CHECK_STATUS(tt_default_procid_set("not a procid"), TT_ERR_PROCID);
	CHECK_STATUS(tt_close(), TT_OK);
	CHECK_STR(tt_default_procid(), second);
	CHECK_STATUS(tt_close(), TT_OK);
	CHECK(tt_ptr_error(tt_default_procid()) == TT_ERR_NOMP);

	/* Opening again works. */
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
