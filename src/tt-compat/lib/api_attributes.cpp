// Message attributes (header fields). Getters of an empty string field return NULL (unset);
// enum getters return the enum's "undefined" value on error, int getters the negated status.
#include "client.h"
#include "paths.h"
#include "status.h"
#include "storage.h"

#include <type_traits>

using namespace ttc;

namespace {

using protocol::MessageBody;
using protocol::MessageHeader;

// A field of the message's body or of its header.
template <typename Part, typename T>
T& field_of(Message& m, T Part::*field) {
    if constexpr (std::is_same_v<Part, MessageBody>) {
        return m.w.body.*field;
    } else {
        return m.w.header.*field;
    }
}

template <typename Part>
char* get_string(const char* func, Tt_message h, std::string Part::*field) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return report_ptr(func, s);
    const std::string& v = field_of(*m, field);
    return v.empty() ? nullptr : stack_string(v);
}

// NULL clears the field.
template <typename Part>
Tt_status set_string(const char* func, Tt_message h, std::string Part::*field, const char* value) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK) s = need_string(value, TT_OK);
    if (s == TT_OK) field_of(*m, field) = value != nullptr ? value : "";
    return report(func, s);
}

using VoteList = std::vector<std::string> MessageHeader::*;

int list_count(const char* func, Tt_message h, VoteList field) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return report_int(func, s);
    return static_cast<int>((m->w.header.*field).size());
}

char* list_item(const char* func, Tt_message h, VoteList field, int n) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && (n < 0 || static_cast<std::size_t>(n) >= (m->w.header.*field).size())) s = TT_ERR_NUM;
    if (s != TT_OK) return report_ptr(func, s);
    return stack_string((m->w.header.*field)[static_cast<std::size_t>(n)]);
}

// Enum getters: the field as the C API's enum, or fallback after reporting the error.
template <typename Classic, typename Part, typename E>
Classic get_enum(const char* func, Tt_message h, E Part::*field, Classic fallback) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) {
        report(func, s);
        return fallback;
    }
    return static_cast<Classic>(field_of(*m, field));
}

// Enum setters: a value outside [low, high] is the enum's own error.
template <typename Classic, typename Part, typename E>
Tt_status set_enum(const char* func, Tt_message h, E Part::*field, Classic value, int low, int high, Tt_status bad) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && (static_cast<int>(value) < low || static_cast<int>(value) > high)) s = bad;
    if (s == TT_OK) field_of(*m, field) = static_cast<E>(value);
    return report(func, s);
}

}  // namespace

extern "C" {

Tt_class tt_message_class(Tt_message m) {
    return get_enum("tt_message_class", m, &MessageBody::cls, TT_CLASS_UNDEFINED);
}

Tt_status tt_message_class_set(Tt_message m, Tt_class c) {
    return set_enum("tt_message_class_set", m, &MessageBody::cls, c, TT_CLASS_UNDEFINED, TT_OFFER, TT_ERR_CLASS);
}

char* tt_message_file(Tt_message m) {
    return get_string("tt_message_file", m, &MessageBody::file);
}

Tt_status tt_message_file_set(Tt_message m, const char* file) {
    Tt_status s = need_string(file, TT_OK);
    if (s != TT_OK) return report("tt_message_file_set", s);
    std::string path = file != nullptr && *file != '\0' ? canonical_path(file) : "";
    return set_string("tt_message_file_set", m, &MessageBody::file, path.c_str());
}

char* tt_message_object(Tt_message m) {
    return get_string("tt_message_object", m, &MessageBody::object);
}

Tt_status tt_message_object_set(Tt_message m, const char* objid) {
    return set_string("tt_message_object_set", m, &MessageBody::object, objid);
}

char* tt_message_id(Tt_message m) {
    return get_string("tt_message_id", m, &MessageBody::id);
}

char* tt_message_op(Tt_message m) {
    return get_string("tt_message_op", m, &MessageBody::op);
}

Tt_status tt_message_op_set(Tt_message m, const char* opname) {
    return set_string("tt_message_op_set", m, &MessageBody::op, opname);
}

int tt_message_opnum(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) return report_int("tt_message_opnum", s);
    return msg->w.header.opnum;
}

char* tt_message_otype(Tt_message m) {
    return get_string("tt_message_otype", m, &MessageBody::otype);
}

Tt_status tt_message_otype_set(Tt_message m, const char* otype) {
    return set_string("tt_message_otype_set", m, &MessageBody::otype, otype);
}

Tt_address tt_message_address(Tt_message m) {
    return get_enum("tt_message_address", m, &MessageBody::address, TT_ADDRESS_LAST);
}

Tt_status tt_message_address_set(Tt_message m, Tt_address p) {
    return set_enum("tt_message_address_set", m, &MessageBody::address, p, TT_PROCEDURE, TT_OTYPE, TT_ERR_ADDRESS);
}

char* tt_message_handler(Tt_message m) {
    return get_string("tt_message_handler", m, &MessageHeader::handler);
}

Tt_status tt_message_handler_set(Tt_message m, const char* procid) {
    return set_string("tt_message_handler_set", m, &MessageHeader::handler, procid);
}

char* tt_message_handler_ptype(Tt_message m) {
    return get_string("tt_message_handler_ptype", m, &MessageHeader::handler_ptype);
}

Tt_status tt_message_handler_ptype_set(Tt_message m, const char* ptid) {
    return set_string("tt_message_handler_ptype_set", m, &MessageHeader::handler_ptype, ptid);
}

int tt_message_accepters_count(Tt_message m) {
    return list_count("tt_message_accepters_count", m, &MessageHeader::accepters);
}

char* tt_message_accepter(Tt_message m, int n) {
    return list_item("tt_message_accepter", m, &MessageHeader::accepters, n);
}

int tt_message_rejecters_count(Tt_message m) {
    return list_count("tt_message_rejecters_count", m, &MessageHeader::rejecters);
}

char* tt_message_rejecter(Tt_message m, int n) {
    return list_item("tt_message_rejecter", m, &MessageHeader::rejecters, n);
}

int tt_message_abstainers_count(Tt_message m) {
    return list_count("tt_message_abstainers_count", m, &MessageHeader::abstainers);
}

char* tt_message_abstainer(Tt_message m, int n) {
    return list_item("tt_message_abstainer", m, &MessageHeader::abstainers, n);
}

Tt_disposition tt_message_disposition(Tt_message m) {
    return get_enum("tt_message_disposition", m, &MessageHeader::disposition, TT_DISCARD);
}

Tt_status tt_message_disposition_set(Tt_message m, Tt_disposition r) {
    return set_enum("tt_message_disposition_set", m, &MessageHeader::disposition, r, TT_DISCARD, TT_QUEUE | TT_START,
                    TT_ERR_DISPOSITION);
}

Tt_scope tt_message_scope(Tt_message m) {
    return get_enum("tt_message_scope", m, &MessageHeader::scope, TT_SCOPE_NONE);
}

Tt_status tt_message_scope_set(Tt_message m, Tt_scope s) {
    return set_enum("tt_message_scope_set", m, &MessageHeader::scope, s, TT_SCOPE_NONE, TT_FILE_IN_SESSION,
                    TT_ERR_SCOPE);
}

char* tt_message_sender(Tt_message m) {
    return get_string("tt_message_sender", m, &MessageBody::sender);
}

char* tt_message_sender_ptype(Tt_message m) {
    return get_string("tt_message_sender_ptype", m, &MessageBody::sender_ptype);
}

Tt_status tt_message_sender_ptype_set(Tt_message m, const char* ptid) {
    return set_string("tt_message_sender_ptype_set", m, &MessageBody::sender_ptype, ptid);
}

char* tt_message_session(Tt_message m) {
    return get_string("tt_message_session", m, &MessageBody::session);
}

Tt_status tt_message_session_set(Tt_message m, const char* sessid) {
    Tt_status s = need_string(sessid, TT_ERR_SESSION);
    if (s != TT_OK) return report("tt_message_session_set", s);
    return set_string("tt_message_session_set", m, &MessageBody::session, sessid);
}

Tt_state tt_message_state(Tt_message m) {
    return get_enum("tt_message_state", m, &MessageHeader::state, TT_STATE_LAST);
}

int tt_message_status(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) return report_int("tt_message_status", s);
    return msg->w.header.status;
}

Tt_status tt_message_status_set(Tt_message m, int status) {
    Message* msg = nullptr;
    Tt_status s = need_message(m, &msg);
    // A start message keeps TT_WRN_START_MESSAGE against TT_OK until it is answered (classic).
    if (s == TT_OK && !(msg->delivery.start_message && status == TT_OK)) msg->w.header.status = status;
    return report("tt_message_status_set", s);
}

char* tt_message_status_string(Tt_message m) {
    return get_string("tt_message_status_string", m, &MessageHeader::status_string);
}

Tt_status tt_message_status_string_set(Tt_message m, const char* status_str) {
    return set_string("tt_message_status_string_set", m, &MessageHeader::status_string, status_str);
}

uid_t tt_message_uid(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) {
        return static_cast<uid_t>(report_int("tt_message_uid", s));
    }
    return msg->w.body.uid;
}

gid_t tt_message_gid(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) {
        return static_cast<gid_t>(report_int("tt_message_gid", s));
    }
    return msg->w.body.gid;
}

}  // extern "C"
