// tt_status_message: "<ENUM_NAME>\t<text>" for every status, on the storage stack.
#include "storage.h"

#include <Tt/tt_c.h>

#include <string>

namespace {

struct StatusText {
    Tt_status status;
    const char* name;
    const char* text;
};

// Every status of <Tt/tt_c.h>. Classic libtt had no text for TT_ERR_INVALID; ttbus has one.
constexpr StatusText texts[] = {
    {TT_OK, "TT_OK", "Request successful."},
    {TT_WRN_NOTFOUND, "TT_WRN_NOTFOUND", "The object was not removed because it was not found."},
    {TT_WRN_STALE_OBJID, "TT_WRN_STALE_OBJID", "The object attribute in the message has been replaced with a newer one."},
    {TT_WRN_STOPPED, "TT_WRN_STOPPED", "The query was halted by the filter procedure."},
    {TT_WRN_SAME_OBJID, "TT_WRN_SAME_OBJID", "The moved object retains the same objid."},
    {TT_WRN_START_MESSAGE, "TT_WRN_START_MESSAGE", "This message caused this process to be started."},
    {TT_WRN_NOT_ENABLED, "TT_WRN_NOT_ENABLED", "This feature is not enabled."},
    {TT_WRN_APPFIRST, "TT_WRN_APPFIRST", "This code should be unused."},
    {TT_WRN_LAST, "TT_WRN_LAST", "This code should be unused."},
    {TT_ERR_CLASS, "TT_ERR_CLASS", "The Tt_class value passed is invalid."},
    {TT_ERR_DBAVAIL, "TT_ERR_DBAVAIL", "A required database is not available."},
    {TT_ERR_DBEXIST, "TT_ERR_DBEXIST", "The specified database does not exist."},
    {TT_ERR_FILE, "TT_ERR_FILE", "The file does not exist or cannot be used."},
    {TT_ERR_INVALID, "TT_ERR_INVALID", "The request is invalid (for example, the pattern is already registered)."},
    {TT_ERR_MODE, "TT_ERR_MODE", "The Tt_mode value is not valid."},
    {TT_ERR_ACCESS, "TT_ERR_ACCESS", "Permission denied."},
    {TT_ERR_NOMP, "TT_ERR_NOMP", "No ToolTalk session is reachable, or tt_open has not been called."},
    {TT_ERR_NOTHANDLER, "TT_ERR_NOTHANDLER", "Only the handler of the message can do this."},
    {TT_ERR_NUM, "TT_ERR_NUM", "The integer value passed is not valid."},
    {TT_ERR_OBJID, "TT_ERR_OBJID", "The object id does not refer to an existing object spec."},
    {TT_ERR_OP, "TT_ERR_OP", "The operation name is not valid."},
    {TT_ERR_OTYPE, "TT_ERR_OTYPE", "The otype is not installed."},
    {TT_ERR_ADDRESS, "TT_ERR_ADDRESS", "The Tt_address value is not valid."},
    {TT_ERR_PATH, "TT_ERR_PATH", "A directory in the file path cannot be searched."},
    {TT_ERR_POINTER, "TT_ERR_POINTER", "The handle or pointer is not valid."},
    {TT_ERR_PROCID, "TT_ERR_PROCID", "The process id is not valid, or the handler process exited."},
    {TT_ERR_PROPLEN, "TT_ERR_PROPLEN", "The property value is too long."},
    {TT_ERR_PROPNAME, "TT_ERR_PROPNAME", "The property name is not valid."},
    {TT_ERR_PTYPE, "TT_ERR_PTYPE", "The ptype is not installed."},
    {TT_ERR_DISPOSITION, "TT_ERR_DISPOSITION", "The Tt_disposition value is not valid."},
    {TT_ERR_SCOPE, "TT_ERR_SCOPE", "The Tt_scope value is not valid."},
    {TT_ERR_SESSION, "TT_ERR_SESSION", "The session id is not that of an active session."},
    {TT_ERR_VTYPE, "TT_ERR_VTYPE", "The value type name is not valid."},
    {TT_ERR_NO_VALUE, "TT_ERR_NO_VALUE", "No property value with that name and number exists."},
    {TT_ERR_INTERNAL, "TT_ERR_INTERNAL", "Internal error (bug)."},
    {TT_ERR_READONLY, "TT_ERR_READONLY", "The attribute cannot be changed."},
    {TT_ERR_NO_MATCH, "TT_ERR_NO_MATCH", "No handler could be found for this message, and the disposition was not queue or start."},
    {TT_ERR_UNIMP, "TT_ERR_UNIMP", "Function not implemented."},
    {TT_ERR_OVERFLOW, "TT_ERR_OVERFLOW", "Too many active messages or registrations (try again later)."},
    {TT_ERR_PTYPE_START, "TT_ERR_PTYPE_START", "Attempt to launch an instance of the ptype failed."},
    {TT_ERR_CATEGORY, "TT_ERR_CATEGORY", "The pattern has no category, or the category is not valid."},
    {TT_ERR_DBUPDATE, "TT_ERR_DBUPDATE", "The database is inconsistent: another tt_spec_write updated the object first."},
    {TT_ERR_DBFULL, "TT_ERR_DBFULL", "The ToolTalk database is full."},
    {TT_ERR_DBCONSIST, "TT_ERR_DBCONSIST", "The database is corrupt or access information is incomplete."},
    {TT_ERR_STATE, "TT_ERR_STATE", "The Tt_message is in a Tt_state that is not valid for the attempted operation."},
    {TT_ERR_NOMEM, "TT_ERR_NOMEM", "No more memory."},
    {TT_ERR_SLOTNAME, "TT_ERR_SLOTNAME", "The slot name is syntactically invalid or not present."},
    {TT_ERR_XDR, "TT_ERR_XDR", "The XDR procedure failed on the given data, or evaluated to a zero-length expression."},
    {TT_ERR_NETFILE, "TT_ERR_NETFILE", "The string is not a valid netfile name."},
    {TT_ERR_TOOLATE, "TT_ERR_TOOLATE", "This must be the first call made into the ToolTalk API."},
    {TT_ERR_AUTHORIZATION, "TT_ERR_AUTHORIZATION", "The user is not authorized to connect to this ToolTalk session."},
    {TT_ERR_VERSION_MISMATCH, "TT_ERR_VERSION_MISMATCH", "This client and the ToolTalk server have incompatible versions."},
    {TT_DESKTOP_, "TT_DESKTOP_", "Base of the desktop (errno) status codes."},
    {TT_DESKTOP_EPERM, "TT_DESKTOP_EPERM", "Not super-user."},
    {TT_DESKTOP_ENOENT, "TT_DESKTOP_ENOENT", "No such file or directory."},
    {TT_DESKTOP_EINTR, "TT_DESKTOP_EINTR", "Interrupted system call."},
    {TT_DESKTOP_EIO, "TT_DESKTOP_EIO", "I/O error."},
    {TT_DESKTOP_EAGAIN, "TT_DESKTOP_EAGAIN", "No more processes."},
    {TT_DESKTOP_ENOMEM, "TT_DESKTOP_ENOMEM", "Not enough space."},
    {TT_DESKTOP_EACCES, "TT_DESKTOP_EACCES", "Permission denied."},
    {TT_DESKTOP_EFAULT, "TT_DESKTOP_EFAULT", "Bad address."},
    {TT_DESKTOP_EEXIST, "TT_DESKTOP_EEXIST", "File exists."},
    {TT_DESKTOP_ENODEV, "TT_DESKTOP_ENODEV", "No such device."},
    {TT_DESKTOP_ENOTDIR, "TT_DESKTOP_ENOTDIR", "Not a directory."},
    {TT_DESKTOP_EISDIR, "TT_DESKTOP_EISDIR", "Is a directory."},
    {TT_DESKTOP_EINVAL, "TT_DESKTOP_EINVAL", "Invalid argument."},
    {TT_DESKTOP_ENFILE, "TT_DESKTOP_ENFILE", "File table overflow."},
    {TT_DESKTOP_EMFILE, "TT_DESKTOP_EMFILE", "Too many open files."},
    {TT_DESKTOP_ETXTBSY, "TT_DESKTOP_ETXTBSY", "Text file busy."},
    {TT_DESKTOP_EFBIG, "TT_DESKTOP_EFBIG", "File too large."},
    {TT_DESKTOP_ENOSPC, "TT_DESKTOP_ENOSPC", "No space left on device."},
    {TT_DESKTOP_EROFS, "TT_DESKTOP_EROFS", "Read-only file system."},
    {TT_DESKTOP_EMLINK, "TT_DESKTOP_EMLINK", "Too many links."},
    {TT_DESKTOP_EPIPE, "TT_DESKTOP_EPIPE", "Broken pipe."},
    {TT_DESKTOP_ENOMSG, "TT_DESKTOP_ENOMSG", "No message of desired type."},
    {TT_DESKTOP_EDEADLK, "TT_DESKTOP_EDEADLK", "Deadlock condition."},
    {TT_DESKTOP_ECANCELED, "TT_DESKTOP_ECANCELED", "Operation canceled."},
    {TT_DESKTOP_ENOTSUP, "TT_DESKTOP_ENOTSUP", "Operation not supported."},
    {TT_DESKTOP_ENODATA, "TT_DESKTOP_ENODATA", "No data available."},
    {TT_DESKTOP_EPROTO, "TT_DESKTOP_EPROTO", "Protocol error."},
    {TT_DESKTOP_ENOTEMPTY, "TT_DESKTOP_ENOTEMPTY", "Directory not empty."},
    {TT_DESKTOP_ETIMEDOUT, "TT_DESKTOP_ETIMEDOUT", "Connection timed out."},
    {TT_DESKTOP_EALREADY, "TT_DESKTOP_EALREADY", "Operation already in progress."},
    {TT_DESKTOP_UNMODIFIED, "TT_DESKTOP_UNMODIFIED", "The operation does not apply to an unmodified entity."},
    {TT_MEDIA_ERR_SIZE, "TT_MEDIA_ERR_SIZE", "The specified size was too big or too small."},
    {TT_MEDIA_ERR_FORMAT, "TT_MEDIA_ERR_FORMAT", "The data do not conform to their alleged format."},
    {TT_AUTHFILE_ACCESS, "TT_AUTHFILE_ACCESS", "The authority file cannot be accessed."},
    {TT_AUTHFILE_LOCK, "TT_AUTHFILE_LOCK", "The authority file cannot be locked."},
    {TT_AUTHFILE_LOCK_TIMEOUT, "TT_AUTHFILE_LOCK_TIMEOUT", "Locking the authority file timed out."},
    {TT_AUTHFILE_UNLOCK, "TT_AUTHFILE_UNLOCK", "The authority file cannot be unlocked."},
    {TT_AUTHFILE_MISSING, "TT_AUTHFILE_MISSING", "The authority file is missing."},
    {TT_AUTHFILE_ENTRY_MISSING, "TT_AUTHFILE_ENTRY_MISSING", "The authority file has no entry for this session."},
    {TT_AUTHFILE_WRITE, "TT_AUTHFILE_WRITE", "The authority file cannot be written."},
    {TT_ERR_APPFIRST, "TT_ERR_APPFIRST", "This code should be unused."},
    {TT_ERR_LAST, "TT_ERR_LAST", "This code should be unused."},
    {TT_STATUS_LAST, "TT_STATUS_LAST", "This code should be unused."},
};

}  // namespace

extern "C" char* tt_status_message(Tt_status ttrc) {
    for (const auto& t : texts) {
        if (t.status == ttrc) return ttc::stack_string(std::string(t.name) + "\t" + t.text);
    }
    return ttc::stack_string("TT_ERR_UNKNOWN\tUnknown Tt_status value " + std::to_string(static_cast<int>(ttrc)) + ".");
}
