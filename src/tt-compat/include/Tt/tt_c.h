/*
 * <Tt/tt_c.h> — the classic ToolTalk C API, as provided by ttbus's libtt.so.2.
 *
 * Every name, numeric value and signature is the one of the classic header, so programs written
 * for CDE ToolTalk compile unchanged and programs compiled against the classic libtt.so.2 run
 * against this one. Usable from C and C++.
 */
#ifndef _TT_C_H
#define _TT_C_H

#include <stdio.h>
#include <sys/types.h>
/* xdrproc_t comes from ONC RPC, as in the classic header (libtirpc on Linux: pkg-config tt adds
 * its include directory). */
#include <rpc/types.h>
#include <rpc/xdr.h>

#define TT_VERSION 10300

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tt_status {
	TT_OK = 0,
	TT_WRN_NOTFOUND = 1,
	TT_WRN_STALE_OBJID = 2,
	TT_WRN_STOPPED = 3,
	TT_WRN_SAME_OBJID = 4,
	TT_WRN_START_MESSAGE = 5,
	TT_WRN_NOT_ENABLED = 6,
	TT_WRN_APPFIRST = 512,
	TT_WRN_LAST = 1024,
	TT_ERR_CLASS = 1025,
	TT_ERR_DBAVAIL = 1026,
	TT_ERR_DBEXIST = 1027,
	TT_ERR_FILE = 1028,
	TT_ERR_INVALID = 1029,
	TT_ERR_MODE = 1031,
	TT_ERR_ACCESS = 1032,
	TT_ERR_NOMP = 1033,
	TT_ERR_NOTHANDLER = 1034,
	TT_ERR_NUM = 1035,
	TT_ERR_OBJID = 1036,
	TT_ERR_OP = 1037,
	TT_ERR_OTYPE = 1038,
	TT_ERR_ADDRESS = 1039,
	TT_ERR_PATH = 1040,
	TT_ERR_POINTER = 1041,
	TT_ERR_PROCID = 1042,
	TT_ERR_PROPLEN = 1043,
	TT_ERR_PROPNAME = 1044,
	TT_ERR_PTYPE = 1045,
	TT_ERR_DISPOSITION = 1046,
	TT_ERR_SCOPE = 1047,
	TT_ERR_SESSION = 1048,
	TT_ERR_VTYPE = 1049,
	TT_ERR_NO_VALUE = 1050,
	TT_ERR_INTERNAL = 1051,
	TT_ERR_READONLY = 1052,
	TT_ERR_NO_MATCH = 1053,
	TT_ERR_UNIMP = 1054,
	TT_ERR_OVERFLOW = 1055,
	TT_ERR_PTYPE_START = 1056,
	TT_ERR_CATEGORY = 1057,
	TT_ERR_DBUPDATE = 1058,
	TT_ERR_DBFULL = 1059,
	TT_ERR_DBCONSIST = 1060,
	TT_ERR_STATE = 1061,
	TT_ERR_NOMEM = 1062,
	TT_ERR_SLOTNAME = 1063,
	TT_ERR_XDR = 1064,
	TT_ERR_NETFILE = 1065,
	TT_ERR_TOOLATE = 1066,
	TT_ERR_AUTHORIZATION = 1067,
	TT_ERR_VERSION_MISMATCH = 1068,
	TT_DESKTOP_ = 1100,
	TT_DESKTOP_EPERM = 1101,
	TT_DESKTOP_ENOENT = 1102,
	TT_DESKTOP_EINTR = 1104,
	TT_DESKTOP_EIO = 1105,
	TT_DESKTOP_EAGAIN = 1111,
	TT_DESKTOP_ENOMEM = 1112,
	TT_DESKTOP_EACCES = 1113,
	TT_DESKTOP_EFAULT = 1114,
	TT_DESKTOP_EEXIST = 1117,
	TT_DESKTOP_ENODEV = 1119,
	TT_DESKTOP_ENOTDIR = 1120,
	TT_DESKTOP_EISDIR = 1121,
	TT_DESKTOP_EINVAL = 1122,
	TT_DESKTOP_ENFILE = 1123,
	TT_DESKTOP_EMFILE = 1124,
	TT_DESKTOP_ETXTBSY = 1126,
	TT_DESKTOP_EFBIG = 1127,
	TT_DESKTOP_ENOSPC = 1128,
	TT_DESKTOP_EROFS = 1130,
	TT_DESKTOP_EMLINK = 1131,
	TT_DESKTOP_EPIPE = 1132,
	TT_DESKTOP_ENOMSG = 1135,
	TT_DESKTOP_EDEADLK = 1145,
	TT_DESKTOP_ECANCELED = 1147,
	TT_DESKTOP_ENOTSUP = 1148,
	TT_DESKTOP_ENODATA = 1161,
	TT_DESKTOP_EPROTO = 1171,
	TT_DESKTOP_ENOTEMPTY = 1193,
	TT_DESKTOP_ETIMEDOUT = 1245,
	TT_DESKTOP_EALREADY = 1249,
	TT_DESKTOP_UNMODIFIED = 1299,
	TT_MEDIA_ERR_SIZE = 1300,
	TT_MEDIA_ERR_FORMAT = 1301,
	TT_AUTHFILE_ACCESS = 1400,
	TT_AUTHFILE_LOCK = 1401,
	TT_AUTHFILE_LOCK_TIMEOUT = 1402,
	TT_AUTHFILE_UNLOCK = 1403,
	TT_AUTHFILE_MISSING = 1404,
	TT_AUTHFILE_ENTRY_MISSING = 1405,
	TT_AUTHFILE_WRITE = 1406,
	TT_ERR_APPFIRST = 1536,
	TT_ERR_LAST = 2047,
	TT_STATUS_LAST = 2048
} Tt_status;

typedef enum tt_filter_action {
	TT_FILTER_CONTINUE = 0,
	TT_FILTER_STOP = 1,
	TT_FILTER_LAST = 2
} Tt_filter_action;

typedef enum tt_callback_action {
	TT_CALLBACK_CONTINUE = 0,
	TT_CALLBACK_PROCESSED = 1,
	TT_CALLBACK_LAST = 2
} Tt_callback_action;

typedef enum tt_mode {
	TT_MODE_UNDEFINED = 0,
	TT_IN = 1,
	TT_OUT = 2,
	TT_INOUT = 3,
	TT_MODE_LAST = 4
} Tt_mode;

typedef enum tt_scope {
	TT_SCOPE_NONE = 0,
	TT_SESSION = 1,
	TT_FILE = 2,
	TT_BOTH = 3,
	TT_FILE_IN_SESSION = 4
} Tt_scope;

typedef enum tt_class {
	TT_CLASS_UNDEFINED = 0,
	TT_NOTICE = 1,
	TT_REQUEST = 2,
	TT_OFFER = 3,
	TT_CLASS_LAST = 4
} Tt_class;

typedef enum tt_category {
	TT_CATEGORY_UNDEFINED = 0,
	TT_OBSERVE = 1,
	TT_HANDLE = 2,
	TT_HANDLE_PUSH = 3,
	TT_HANDLE_ROTATE = 4,
	TT_CATEGORY_LAST = 5
} Tt_category;

typedef enum tt_address {
	TT_PROCEDURE = 0,
	TT_OBJECT = 1,
	TT_HANDLER = 2,
	TT_OTYPE = 3,
	TT_ADDRESS_LAST = 4
} Tt_address;

/* Bit flags: TT_START|TT_QUEUE is legal. */
typedef enum tt_disposition {
	TT_DISCARD = 0,
	TT_QUEUE = 1,
	TT_START = 2
} Tt_disposition;

typedef enum tt_state {
	TT_CREATED = 0,
	TT_SENT = 1,
	TT_HANDLED = 2,
	TT_FAILED = 3,
	TT_QUEUED = 4,
	TT_STARTED = 5,
	TT_REJECTED = 6,
	TT_RETURNED = 7,
	TT_ACCEPTED = 8,
	TT_ABSTAINED = 9,
	TT_STATE_LAST = 10
} Tt_state;

typedef enum tt_feature {
	_TT_FEATURE_MULTITHREADED = 1,
	_TT_FEATURE_LAST = 2
} Tt_feature;

#define TT_FEATURE_MULTITHREADED _TT_FEATURE_MULTITHREADED
#define TT_FEATURE_LAST _TT_FEATURE_LAST

/* Names of the properties of object specs. */
#define TT_OBJECT_NAME_PROPERTY ".Name"
#define TT_OBJECT_OWNER_PROPERTY "_Owner"
#define TT_OBJECT_GROUP_PROPERTY "_Group"
#define TT_OBJECT_MODE_PROPERTY "_Mode"
#define TT_OBJECT_CREATION_DATE_PROPERTY "_Creation_Date"

typedef struct _Tt_message_handle *Tt_message;
typedef struct _Tt_pattern_handle *Tt_pattern;
typedef struct _tt_AuthFileEntry *Tt_AuthFileEntry;

typedef Tt_filter_action (*Tt_filter_function)(const char *nodeid, void *context, void *accumulator);
typedef Tt_callback_action (*Tt_message_callback)(Tt_message m, Tt_pattern p);

/* Initialization, procids, defaults, sessions, fd, features, tracing */
extern char *tt_open(void);
extern Tt_status tt_close(void);
extern char *tt_X_session(const char *xdisplay);
extern char *tt_default_ptype(void);
extern Tt_status tt_default_ptype_set(const char *ptid);
extern char *tt_default_file(void);
extern Tt_status tt_default_file_set(const char *docid);
extern char *tt_default_session(void);
extern Tt_status tt_default_session_set(const char *sessid);
extern char *tt_thread_session(void);
extern Tt_status tt_thread_session_set(const char *sessid);
extern char *tt_default_procid(void);
extern Tt_status tt_default_procid_set(const char *procid);
extern char *tt_thread_procid(void);
extern Tt_status tt_thread_procid_set(const char *procid);
extern char *tt_procid_session(const char *procid);
extern Tt_status tt_session_join(const char *sessid);
extern Tt_status tt_session_quit(const char *sessid);
extern char *tt_initial_session(void);
extern int tt_fd(void);
extern int tt_trace_control(int onoff);
extern Tt_status tt_feature_enabled(Tt_feature f);
extern Tt_status tt_feature_required(Tt_feature f);

/* Session properties and dynamic type loading */
extern char *tt_session_propname(const char *sessid, int n);
extern int tt_session_propnames_count(const char *sessid);
extern char *tt_session_prop(const char *sessid, const char *propname, int i);
extern Tt_status tt_session_prop_add(const char *sessid, const char *propname, const char *value);
extern int tt_session_prop_count(const char *sessid, const char *propname);
extern Tt_status tt_session_prop_set(const char *sessid, const char *propname, const char *value);
extern Tt_status tt_session_bprop(const char *sessid, const char *propname, int i, unsigned char **value,
				  int *length);
extern Tt_status tt_session_bprop_add(const char *sessid, const char *propname, const unsigned char *value,
				      int length);
extern Tt_status tt_session_bprop_set(const char *sessid, const char *propname, const unsigned char *value,
				      int length);
extern Tt_status tt_session_types_load(const char *sessid, const char *filename);

/* Files and netfile names */
extern Tt_status tt_file_join(const char *filepath);
extern Tt_status tt_file_quit(const char *filepath);
extern Tt_status tt_file_objects_query(const char *filepath, Tt_filter_function filter, void *context,
				       void *accumulator);
extern Tt_status tt_file_move(const char *oldfilepath, const char *newfilepath);
extern Tt_status tt_file_copy(const char *oldfilepath, const char *newfilepath);
extern Tt_status tt_file_destroy(const char *filepath);
extern char *tt_file_netfile(const char *filename);
extern char *tt_netfile_file(const char *netfilename);
extern char *tt_host_file_netfile(const char *host, const char *filename);
extern char *tt_host_netfile_file(const char *host, const char *netfilename);

/* Message contexts and procid-wide context join/quit */
extern char *tt_message_context_val(Tt_message m, const char *slotname);
extern Tt_status tt_message_context_ival(Tt_message m, const char *slotname, int *value);
extern Tt_status tt_message_context_bval(Tt_message m, const char *slotname, unsigned char **value, int *len);
extern Tt_status tt_message_context_xval(Tt_message m, const char *slotname, xdrproc_t xdr_proc, void *value);
extern Tt_status tt_message_context_set(Tt_message m, const char *slotname, const char *value);
extern Tt_status tt_message_icontext_set(Tt_message m, const char *slotname, int value);
extern Tt_status tt_message_bcontext_set(Tt_message m, const char *slotname, const unsigned char *value,
					 int len);
extern Tt_status tt_message_xcontext_set(Tt_message m, const char *slotname, xdrproc_t xdr_proc, void *value);
extern Tt_status tt_context_join(const char *slotname, const char *value);
extern Tt_status tt_icontext_join(const char *slotname, int value);
extern Tt_status tt_bcontext_join(const char *slotname, const unsigned char *value, int len);
extern Tt_status tt_xcontext_join(const char *slotname, xdrproc_t xdr_proc, void *value);
extern Tt_status tt_context_quit(const char *slotname, const char *value);
extern Tt_status tt_icontext_quit(const char *slotname, int value);
extern Tt_status tt_bcontext_quit(const char *slotname, const unsigned char *value, int len);
extern Tt_status tt_xcontext_quit(const char *slotname, xdrproc_t xdr_proc, void *value);
extern int tt_message_contexts_count(Tt_message m);
extern char *tt_message_context_slotname(Tt_message m, int i);

/* Message lifecycle */
extern Tt_message tt_message_create(void);
extern Tt_message tt_message_create_super(Tt_message m);
extern Tt_status tt_message_destroy(Tt_message m);
extern Tt_status tt_message_send(Tt_message m);
extern Tt_status tt_message_send_on_exit(Tt_message m);
extern Tt_message tt_message_receive(void);
extern Tt_status tt_message_reply(Tt_message m);
extern Tt_status tt_message_reject(Tt_message m);
extern Tt_status tt_message_accept(Tt_message m);
extern Tt_status tt_message_fail(Tt_message m);
extern Tt_pattern tt_message_pattern(Tt_message m);
extern Tt_status tt_message_callback_add(Tt_message m, Tt_message_callback f);
extern void *tt_message_user(Tt_message m, int key);
extern Tt_status tt_message_user_set(Tt_message m, int key, void *v);
extern char *tt_message_print(Tt_message m);

/* Message arguments */
extern Tt_status tt_message_arg_add(Tt_message m, Tt_mode n, const char *vtype, const char *value);
extern Tt_mode tt_message_arg_mode(Tt_message m, int n);
extern char *tt_message_arg_type(Tt_message m, int n);
extern char *tt_message_arg_val(Tt_message m, int n);
extern Tt_status tt_message_arg_val_set(Tt_message m, int n, const char *value);
extern Tt_status tt_message_arg_bval(Tt_message m, int n, unsigned char **value, int *len);
extern Tt_status tt_message_arg_bval_set(Tt_message m, int n, const unsigned char *value, int len);
extern Tt_status tt_message_barg_add(Tt_message m, Tt_mode n, const char *vtype, const unsigned char *value,
				     int len);
extern Tt_status tt_message_arg_ival(Tt_message m, int n, int *value);
extern Tt_status tt_message_arg_ival_set(Tt_message m, int n, int value);
extern Tt_status tt_message_iarg_add(Tt_message m, Tt_mode n, const char *vtype, int value);
extern Tt_status tt_message_arg_xval(Tt_message m, int n, xdrproc_t xdr_proc, void *value);
extern Tt_status tt_message_arg_xval_set(Tt_message m, int n, xdrproc_t xdr_proc, void *value);
extern Tt_status tt_message_xarg_add(Tt_message m, Tt_mode n, const char *vtype, xdrproc_t xdr_proc,
				     void *value);
extern int tt_message_args_count(Tt_message m);

/* Message attributes */
extern Tt_class tt_message_class(Tt_message m);
extern Tt_status tt_message_class_set(Tt_message m, Tt_class c);
extern char *tt_message_file(Tt_message m);
extern Tt_status tt_message_file_set(Tt_message m, const char *file);
extern char *tt_message_object(Tt_message m);
extern Tt_status tt_message_object_set(Tt_message m, const char *objid);
extern char *tt_message_id(Tt_message m);
extern char *tt_message_op(Tt_message m);
extern Tt_status tt_message_op_set(Tt_message m, const char *opname);
extern int tt_message_opnum(Tt_message m);
extern char *tt_message_otype(Tt_message m);
extern Tt_status tt_message_otype_set(Tt_message m, const char *otype);
extern Tt_address tt_message_address(Tt_message m);
extern Tt_status tt_message_address_set(Tt_message m, Tt_address p);
extern char *tt_message_handler(Tt_message m);
extern Tt_status tt_message_handler_set(Tt_message m, const char *procid);
extern char *tt_message_handler_ptype(Tt_message m);
extern Tt_status tt_message_handler_ptype_set(Tt_message m, const char *ptid);
extern int tt_message_accepters_count(Tt_message m);
extern char *tt_message_accepter(Tt_message m, int n);
extern int tt_message_rejecters_count(Tt_message m);
extern char *tt_message_rejecter(Tt_message m, int n);
extern int tt_message_abstainers_count(Tt_message m);
extern char *tt_message_abstainer(Tt_message m, int n);
extern Tt_disposition tt_message_disposition(Tt_message m);
extern Tt_status tt_message_disposition_set(Tt_message m, Tt_disposition r);
extern Tt_scope tt_message_scope(Tt_message m);
extern Tt_status tt_message_scope_set(Tt_message m, Tt_scope s);
extern char *tt_message_sender(Tt_message m);
extern char *tt_message_sender_ptype(Tt_message m);
extern Tt_status tt_message_sender_ptype_set(Tt_message m, const char *ptid);
extern char *tt_message_session(Tt_message m);
extern Tt_status tt_message_session_set(Tt_message m, const char *sessid);
extern Tt_state tt_message_state(Tt_message m);
extern int tt_message_status(Tt_message m);
extern Tt_status tt_message_status_set(Tt_message m, int status);
extern char *tt_message_status_string(Tt_message m);
extern Tt_status tt_message_status_string_set(Tt_message m, const char *status_str);
extern uid_t tt_message_uid(Tt_message m);
extern gid_t tt_message_gid(Tt_message m);

/* Convenience message constructors */
extern Tt_message tt_pnotice_create(Tt_scope scope, const char *op);
extern Tt_message tt_prequest_create(Tt_scope scope, const char *op);
extern Tt_message tt_onotice_create(const char *objid, const char *op);
extern Tt_message tt_orequest_create(const char *objid, const char *op);

/* Object specs and objids */
extern char *tt_spec_create(const char *filepath);
extern Tt_status tt_spec_write(const char *nodeid);
extern Tt_status tt_spec_destroy(const char *nodeid);
extern char *tt_spec_file(const char *nodeid);
extern char *tt_spec_type(const char *nodeid);
extern Tt_status tt_spec_type_set(const char *nodeid, const char *otid);
extern char *tt_spec_move(const char *nodeid, const char *newfilepath);
extern char *tt_spec_propname(const char *nodeid, int n);
extern int tt_spec_propnames_count(const char *nodeid);
extern char *tt_spec_prop(const char *nodeid, const char *propname, int i);
extern Tt_status tt_spec_prop_add(const char *nodeid, const char *propname, const char *value);
extern int tt_spec_prop_count(const char *nodeid, const char *propname);
extern Tt_status tt_spec_prop_set(const char *nodeid, const char *propname, const char *value);
extern Tt_status tt_spec_bprop(const char *nodeid, const char *propname, int i, unsigned char **value,
			       int *length);
extern Tt_status tt_spec_bprop_add(const char *nodeid, const char *propname, const unsigned char *value,
				   int length);
extern Tt_status tt_spec_bprop_set(const char *nodeid, const char *propname, const unsigned char *value,
				   int length);
extern int tt_objid_equal(const char *nodeid1, const char *nodeid2);
extern char *tt_objid_objkey(const char *nodeid);

/* Patterns */
extern Tt_pattern tt_pattern_create(void);
extern Tt_status tt_pattern_destroy(Tt_pattern p);
extern Tt_status tt_pattern_register(Tt_pattern p);
extern Tt_status tt_pattern_unregister(Tt_pattern p);
extern Tt_status tt_pattern_callback_add(Tt_pattern m, Tt_message_callback f);
extern void *tt_pattern_user(Tt_pattern p, int key);
extern Tt_status tt_pattern_user_set(Tt_pattern p, int key, void *v);
extern Tt_category tt_pattern_category(Tt_pattern p);
extern Tt_status tt_pattern_category_set(Tt_pattern p, Tt_category c);
extern Tt_status tt_pattern_arg_add(Tt_pattern p, Tt_mode n, const char *vtype, const char *value);
extern Tt_status tt_pattern_barg_add(Tt_pattern m, Tt_mode n, const char *vtype, const unsigned char *value,
				     int len);
extern Tt_status tt_pattern_iarg_add(Tt_pattern m, Tt_mode n, const char *vtype, int value);
extern Tt_status tt_pattern_xarg_add(Tt_pattern m, Tt_mode n, const char *vtype, xdrproc_t xdr_proc,
				     void *value);
extern Tt_status tt_pattern_class_add(Tt_pattern p, Tt_class c);
extern Tt_status tt_pattern_file_add(Tt_pattern p, const char *file);
extern Tt_status tt_pattern_object_add(Tt_pattern p, const char *objid);
extern Tt_status tt_pattern_op_add(Tt_pattern p, const char *opname);
extern Tt_status tt_pattern_opnum_add(Tt_pattern p, int opnum);
extern Tt_status tt_pattern_otype_add(Tt_pattern p, const char *otype);
extern Tt_status tt_pattern_address_add(Tt_pattern p, Tt_address d);
extern Tt_status tt_pattern_disposition_add(Tt_pattern p, Tt_disposition r);
extern Tt_status tt_pattern_scope_add(Tt_pattern p, Tt_scope s);
extern Tt_status tt_pattern_sender_add(Tt_pattern p, const char *procid);
extern Tt_status tt_pattern_sender_ptype_add(Tt_pattern p, const char *ptid);
extern Tt_status tt_pattern_session_add(Tt_pattern p, const char *sessid);
extern Tt_status tt_pattern_state_add(Tt_pattern p, Tt_state s);
extern Tt_status tt_pattern_context_add(Tt_pattern p, const char *slotname, const char *value);
extern Tt_status tt_pattern_icontext_add(Tt_pattern p, const char *slotname, int value);
extern Tt_status tt_pattern_bcontext_add(Tt_pattern p, const char *slotname, const unsigned char *value,
					 int length);
extern Tt_status tt_pattern_xcontext_add(Tt_pattern p, const char *slotname, xdrproc_t xdr_proc, void *value);
extern char *tt_pattern_print(Tt_pattern p);

/* Ptype declaration and opnum callbacks */
extern Tt_status tt_ptype_declare(const char *ptid);
extern Tt_status tt_ptype_undeclare(const char *ptid);
extern Tt_status tt_ptype_exists(const char *ptid);
extern Tt_status tt_ptype_opnum_callback_add(const char *ptid, int opnum, Tt_message_callback f);
extern Tt_status tt_otype_opnum_callback_add(const char *otid, int opnum, Tt_message_callback f);

/* Otype introspection */
extern int tt_otype_deriveds_count(const char *otype);
extern char *tt_otype_derived(const char *otype, int i);
extern char *tt_otype_base(const char *otype);
extern int tt_otype_is_derived(const char *derivedotype, const char *baseotype);
extern int tt_otype_osig_count(const char *otype);
extern int tt_otype_hsig_count(const char *otype);
extern char *tt_otype_osig_op(const char *otype, int sig);
extern char *tt_otype_hsig_op(const char *otype, int sig);
extern int tt_otype_osig_args_count(const char *otype, int sig);
extern int tt_otype_hsig_args_count(const char *otype, int sig);
extern Tt_mode tt_otype_osig_arg_mode(const char *otype, int sig, int arg);
extern Tt_mode tt_otype_hsig_arg_mode(const char *otype, int sig, int arg);
extern char *tt_otype_osig_arg_type(const char *otype, int sig, int arg);
extern char *tt_otype_hsig_arg_type(const char *otype, int sig, int arg);

/* Memory management: the storage stack */
extern int tt_mark(void);
extern void tt_release(int mark);
extern caddr_t tt_malloc(size_t s);
extern void tt_free(caddr_t p);

/* Status and error helpers */
extern char *tt_status_message(Tt_status ttrc);
extern Tt_status tt_pointer_error(void *pointer);
extern Tt_status tt_int_error(int return_val);
extern void tt_error(const char *func, Tt_status ttrc);
extern void *tt_error_pointer(Tt_status ttrc);
extern int tt_error_int(Tt_status ttrc);

/* Authority file (.TTauthority) helpers */
extern char *tt_AuthFileName(void);
extern int tt_LockAuthFile(char *file_name, int retries, int timeout, long dead);
extern void tt_UnlockAuthFile(char *file_name);
extern Tt_AuthFileEntry tt_ReadAuthFileEntry(FILE *auth_file);
extern void tt_FreeAuthFileEntry(Tt_AuthFileEntry auth);
extern int tt_WriteAuthFileEntry(FILE *auth_file, Tt_AuthFileEntry auth);
extern Tt_AuthFileEntry tt_GetAuthFileEntry(char *protocol_name, char *network_id, char *auth_name);
extern char *tt_GenerateMagicCookie(int len);

#define tt_ptr_error(p) tt_pointer_error((void *)(p))
#define tt_is_err(s) (TT_WRN_LAST < (s))

#ifdef __cplusplus
}
#endif

#endif /* _TT_C_H */
