// tt_status_message: "<ENUM_NAME>\t<text>" for every status, on the storage stack. The text is
// in the program's locale (LC_MESSAGES) when a catalogue is installed. libtt lives inside someone
// else's program, so it looks its texts up in its own text domain with dgettext and never
// changes the program's (textdomain).
#include "storage.h"

#include <Tt/tt_c.h>

#include <libintl.h>

#include <cstdlib>
#include <mutex>
#include <string>

// Marks a text for xgettext; it is translated where it is used.
#define N_(text) text

namespace {

constexpr const char* text_domain = "ttbus";

const char* translated(const char* text) {
    static std::once_flag bound;
    std::call_once(bound, [] {
        // The build tree's catalogues for tests; the installed ones otherwise.
        const char* dir = std::getenv("TTBUS_LOCALEDIR");
        bindtextdomain(text_domain, dir && *dir ? dir : TTBUS_LOCALEDIR);
    });
    return dgettext(text_domain, text);
}

struct StatusText {
    Tt_status status;
    const char* name;
    const char* text;
};

// Every status of <Tt/tt_c.h>. Classic libtt had no text for TT_ERR_INVALID; ttbus has one.
constexpr StatusText texts[] = {
    {TT_OK, "TT_OK", N_("Request successful.")},
    {TT_WRN_NOTFOUND, "TT_WRN_NOTFOUND", N_("The object was not removed because it was not found.")},
    {TT_WRN_STALE_OBJID, "TT_WRN_STALE_OBJID", N_("The object attribute in the message has been replaced with a newer one.")},
    {TT_WRN_STOPPED, "TT_WRN_STOPPED", N_("The query was halted by the filter procedure.")},
    {TT_WRN_SAME_OBJID, "TT_WRN_SAME_OBJID", N_("The moved object retains the same objid.")},
    {TT_WRN_START_MESSAGE, "TT_WRN_START_MESSAGE", N_("This message caused this process to be started.")},
    {TT_WRN_NOT_ENABLED, "TT_WRN_NOT_ENABLED", N_("This feature is not enabled.")},
    {TT_WRN_APPFIRST, "TT_WRN_APPFIRST", N_("This code should be unused.")},
    {TT_WRN_LAST, "TT_WRN_LAST", N_("This code should be unused.")},
    {TT_ERR_CLASS, "TT_ERR_CLASS", N_("The Tt_class value passed is invalid.")},
    {TT_ERR_DBAVAIL, "TT_ERR_DBAVAIL", N_("A required database is not available.")},
    {TT_ERR_DBEXIST, "TT_ERR_DBEXIST", N_("The specified database does not exist.")},
    {TT_ERR_FILE, "TT_ERR_FILE", N_("The file does not exist or cannot be used.")},
    {TT_ERR_INVALID, "TT_ERR_INVALID", N_("The request is invalid (for example, the pattern is already registered).")},
    {TT_ERR_MODE, "TT_ERR_MODE", N_("The Tt_mode value is not valid.")},
    {TT_ERR_ACCESS, "TT_ERR_ACCESS", N_("Permission denied.")},
    {TT_ERR_NOMP, "TT_ERR_NOMP", N_("No ToolTalk session is reachable, or tt_open has not been called.")},
    {TT_ERR_NOTHANDLER, "TT_ERR_NOTHANDLER", N_("Only the handler of the message can do this.")},
    {TT_ERR_NUM, "TT_ERR_NUM", N_("The integer value passed is not valid.")},
    {TT_ERR_OBJID, "TT_ERR_OBJID", N_("The object id does not refer to an existing object spec.")},
    {TT_ERR_OP, "TT_ERR_OP", N_("The operation name is not valid.")},
    {TT_ERR_OTYPE, "TT_ERR_OTYPE", N_("The otype is not installed.")},
    {TT_ERR_ADDRESS, "TT_ERR_ADDRESS", N_("The Tt_address value is not valid.")},
    {TT_ERR_PATH, "TT_ERR_PATH", N_("A directory in the file path cannot be searched.")},
    {TT_ERR_POINTER, "TT_ERR_POINTER", N_("The handle or pointer is not valid.")},
    {TT_ERR_PROCID, "TT_ERR_PROCID", N_("The process id is not valid, or the handler process exited.")},
    {TT_ERR_PROPLEN, "TT_ERR_PROPLEN", N_("The property value is too long.")},
    {TT_ERR_PROPNAME, "TT_ERR_PROPNAME", N_("The property name is not valid.")},
    {TT_ERR_PTYPE, "TT_ERR_PTYPE", N_("The ptype is not installed.")},
    {TT_ERR_DISPOSITION, "TT_ERR_DISPOSITION", N_("The Tt_disposition value is not valid.")},
    {TT_ERR_SCOPE, "TT_ERR_SCOPE", N_("The Tt_scope value is not valid.")},
    {TT_ERR_SESSION, "TT_ERR_SESSION", N_("The session id is not that of an active session.")},
    {TT_ERR_VTYPE, "TT_ERR_VTYPE", N_("The value type name is not valid.")},
    {TT_ERR_NO_VALUE, "TT_ERR_NO_VALUE", N_("No property value with that name and number exists.")},
    {TT_ERR_INTERNAL, "TT_ERR_INTERNAL", N_("Internal error (bug).")},
    {TT_ERR_READONLY, "TT_ERR_READONLY", N_("The attribute cannot be changed.")},
    {TT_ERR_NO_MATCH, "TT_ERR_NO_MATCH", N_("No handler could be found for this message, and the disposition was not queue or start.")},
    {TT_ERR_UNIMP, "TT_ERR_UNIMP", N_("Function not implemented.")},
    {TT_ERR_OVERFLOW, "TT_ERR_OVERFLOW", N_("Too many active messages or registrations (try again later).")},
    {TT_ERR_PTYPE_START, "TT_ERR_PTYPE_START", N_("Attempt to launch an instance of the ptype failed.")},
    {TT_ERR_CATEGORY, "TT_ERR_CATEGORY", N_("The pattern has no category, or the category is not valid.")},
    {TT_ERR_DBUPDATE, "TT_ERR_DBUPDATE", N_("The database is inconsistent: another tt_spec_write updated the object first.")},
    {TT_ERR_DBFULL, "TT_ERR_DBFULL", N_("The ToolTalk database is full.")},
    {TT_ERR_DBCONSIST, "TT_ERR_DBCONSIST", N_("The database is corrupt or access information is incomplete.")},
    {TT_ERR_STATE, "TT_ERR_STATE", N_("The Tt_message is in a Tt_state that is not valid for the attempted operation.")},
    {TT_ERR_NOMEM, "TT_ERR_NOMEM", N_("No more memory.")},
    {TT_ERR_SLOTNAME, "TT_ERR_SLOTNAME", N_("The slot name is syntactically invalid or not present.")},
    {TT_ERR_XDR, "TT_ERR_XDR", N_("The XDR procedure failed on the given data, or evaluated to a zero-length expression.")},
    {TT_ERR_NETFILE, "TT_ERR_NETFILE", N_("The string is not a valid netfile name.")},
    {TT_ERR_TOOLATE, "TT_ERR_TOOLATE", N_("This must be the first call made into the ToolTalk API.")},
    {TT_ERR_AUTHORIZATION, "TT_ERR_AUTHORIZATION", N_("The user is not authorized to connect to this ToolTalk session.")},
    {TT_ERR_VERSION_MISMATCH, "TT_ERR_VERSION_MISMATCH", N_("This client and the ToolTalk server have incompatible versions.")},
    {TT_DESKTOP_, "TT_DESKTOP_", N_("Base of the desktop (errno) status codes.")},
    {TT_DESKTOP_EPERM, "TT_DESKTOP_EPERM", N_("Not super-user.")},
    {TT_DESKTOP_ENOENT, "TT_DESKTOP_ENOENT", N_("No such file or directory.")},
    {TT_DESKTOP_EINTR, "TT_DESKTOP_EINTR", N_("Interrupted system call.")},
    {TT_DESKTOP_EIO, "TT_DESKTOP_EIO", N_("I/O error.")},
    {TT_DESKTOP_EAGAIN, "TT_DESKTOP_EAGAIN", N_("No more processes.")},
    {TT_DESKTOP_ENOMEM, "TT_DESKTOP_ENOMEM", N_("Not enough space.")},
    {TT_DESKTOP_EACCES, "TT_DESKTOP_EACCES", N_("Permission denied.")},
    {TT_DESKTOP_EFAULT, "TT_DESKTOP_EFAULT", N_("Bad address.")},
    {TT_DESKTOP_EEXIST, "TT_DESKTOP_EEXIST", N_("File exists.")},
    {TT_DESKTOP_ENODEV, "TT_DESKTOP_ENODEV", N_("No such device.")},
    {TT_DESKTOP_ENOTDIR, "TT_DESKTOP_ENOTDIR", N_("Not a directory.")},
    {TT_DESKTOP_EISDIR, "TT_DESKTOP_EISDIR", N_("Is a directory.")},
    {TT_DESKTOP_EINVAL, "TT_DESKTOP_EINVAL", N_("Invalid argument.")},
    {TT_DESKTOP_ENFILE, "TT_DESKTOP_ENFILE", N_("File table overflow.")},
    {TT_DESKTOP_EMFILE, "TT_DESKTOP_EMFILE", N_("Too many open files.")},
    {TT_DESKTOP_ETXTBSY, "TT_DESKTOP_ETXTBSY", N_("Text file busy.")},
    {TT_DESKTOP_EFBIG, "TT_DESKTOP_EFBIG", N_("File too large.")},
    {TT_DESKTOP_ENOSPC, "TT_DESKTOP_ENOSPC", N_("No space left on device.")},
    {TT_DESKTOP_EROFS, "TT_DESKTOP_EROFS", N_("Read-only file system.")},
    {TT_DESKTOP_EMLINK, "TT_DESKTOP_EMLINK", N_("Too many links.")},
    {TT_DESKTOP_EPIPE, "TT_DESKTOP_EPIPE", N_("Broken pipe.")},
    {TT_DESKTOP_ENOMSG, "TT_DESKTOP_ENOMSG", N_("No message of desired type.")},
    {TT_DESKTOP_EDEADLK, "TT_DESKTOP_EDEADLK", N_("Deadlock condition.")},
    {TT_DESKTOP_ECANCELED, "TT_DESKTOP_ECANCELED", N_("Operation canceled.")},
    {TT_DESKTOP_ENOTSUP, "TT_DESKTOP_ENOTSUP", N_("Operation not supported.")},
    {TT_DESKTOP_ENODATA, "TT_DESKTOP_ENODATA", N_("No data available.")},
    {TT_DESKTOP_EPROTO, "TT_DESKTOP_EPROTO", N_("Protocol error.")},
    {TT_DESKTOP_ENOTEMPTY, "TT_DESKTOP_ENOTEMPTY", N_("Directory not empty.")},
    {TT_DESKTOP_ETIMEDOUT, "TT_DESKTOP_ETIMEDOUT", N_("Connection timed out.")},
    {TT_DESKTOP_EALREADY, "TT_DESKTOP_EALREADY", N_("Operation already in progress.")},
    {TT_DESKTOP_UNMODIFIED, "TT_DESKTOP_UNMODIFIED", N_("The operation does not apply to an unmodified entity.")},
    {TT_MEDIA_ERR_SIZE, "TT_MEDIA_ERR_SIZE", N_("The specified size was too big or too small.")},
    {TT_MEDIA_ERR_FORMAT, "TT_MEDIA_ERR_FORMAT", N_("The data do not conform to their alleged format.")},
    {TT_AUTHFILE_ACCESS, "TT_AUTHFILE_ACCESS", N_("The authority file cannot be accessed.")},
    {TT_AUTHFILE_LOCK, "TT_AUTHFILE_LOCK", N_("The authority file cannot be locked.")},
    {TT_AUTHFILE_LOCK_TIMEOUT, "TT_AUTHFILE_LOCK_TIMEOUT", N_("Locking the authority file timed out.")},
    {TT_AUTHFILE_UNLOCK, "TT_AUTHFILE_UNLOCK", N_("The authority file cannot be unlocked.")},
    {TT_AUTHFILE_MISSING, "TT_AUTHFILE_MISSING", N_("The authority file is missing.")},
    {TT_AUTHFILE_ENTRY_MISSING, "TT_AUTHFILE_ENTRY_MISSING", N_("The authority file has no entry for this session.")},
    {TT_AUTHFILE_WRITE, "TT_AUTHFILE_WRITE", N_("The authority file cannot be written.")},
    {TT_ERR_APPFIRST, "TT_ERR_APPFIRST", N_("This code should be unused.")},
    {TT_ERR_LAST, "TT_ERR_LAST", N_("This code should be unused.")},
    {TT_STATUS_LAST, "TT_STATUS_LAST", N_("This code should be unused.")},
};

}  // namespace

extern "C" char* tt_status_message(Tt_status ttrc) {
    for (const auto& t : texts) {
        if (t.status == ttrc) return ttc::stack_string(std::string(t.name) + "\t" + translated(t.text));
    }
    std::string text = translated(N_("Unknown Tt_status value %d."));
    auto at = text.find("%d");
    if (at != std::string::npos) text.replace(at, 2, std::to_string(static_cast<int>(ttrc)));
    return ttc::stack_string("TT_ERR_UNKNOWN\t" + text);
}
