// Otype introspection, answered from the broker's loaded types (Broker1.Otype).
#include "client.h"
#include "status.h"
#include "storage.h"
#include "wire.h"

#include <algorithm>

using namespace ttc;

namespace {

struct Signature {
    std::string op;
    std::vector<std::pair<Tt_mode, std::string>> args;
};

struct OtypeInfo {
    std::vector<std::string> ancestors;  // nearest first
    std::vector<std::string> derived;
    std::vector<Signature> handle;
    std::vector<Signature> observe;
};

// The value of the key handle or observe: a(sa(is)).
int read_signatures(sd_bus_message* m, std::vector<Signature>& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(sa(is))");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_STRUCT, "sa(is)")) > 0) {
        Signature sig;
        const char* op = nullptr;
        r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &op);
        if (r >= 0) {
            sig.op = op;
            r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(is)");
        }
        std::int32_t mode = 0;
        const char* vtype = nullptr;
        while (r >= 0 && (r = sd_bus_message_read(m, "(is)", &mode, &vtype)) > 0) {
            sig.args.emplace_back(static_cast<Tt_mode>(mode), vtype);
        }
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        out.push_back(std::move(sig));
    }
    if (r >= 0) r = sd_bus_message_exit_container(m);
    return r;
}

Tt_status fetch(const char* otype, OtypeInfo& info) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(otype, TT_ERR_OTYPE); s != TT_OK) return s;
    Reply reply;
    Tt_status s = client()->current->bus->call(
        BROKER_IFACE, "Otype", [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, otype); },
        &reply);
    if (s != TT_OK) return s;
    sd_bus_message* m = reply.m;
    int r = ttc::read_entries(m, protocol::otype_keys, [&](std::size_t key) {
        using namespace protocol::otype_key;
        switch (key) {
        case ancestors: info.ancestors = protocol::read_string_array(m); break;
        case derived: info.derived = protocol::read_string_array(m); break;
        case handle: protocol::check_bus(read_signatures(m, info.handle), "Broker1.Otype handle"); break;
        case observe: protocol::check_bus(read_signatures(m, info.observe), "Broker1.Otype observe"); break;
        default: return false;
        }
        return true;
    });
    return r < 0 ? TT_ERR_INTERNAL : TT_OK;
}

using Signatures = std::vector<Signature> OtypeInfo::*;

Tt_status signature_at(const char* otype, Signatures which, int sig, OtypeInfo& info, const Signature** out) {
    if (Tt_status s = fetch(otype, info); s != TT_OK) return s;
    const auto& sigs = info.*which;
    if (sig < 0 || static_cast<std::size_t>(sig) >= sigs.size()) return TT_ERR_NUM;
    *out = &sigs[static_cast<std::size_t>(sig)];
    return TT_OK;
}

Tt_status arg_at(const char* otype, Signatures which, int sig, int arg, OtypeInfo& info,
                 const std::pair<Tt_mode, std::string>** out) {
    const Signature* s = nullptr;
    if (Tt_status st = signature_at(otype, which, sig, info, &s); st != TT_OK) return st;
    if (arg < 0 || static_cast<std::size_t>(arg) >= s->args.size()) return TT_ERR_NUM;
    *out = &s->args[static_cast<std::size_t>(arg)];
    return TT_OK;
}

int sig_count(const char* func, const char* otype, Signatures which) {
    OtypeInfo info;
    if (Tt_status s = fetch(otype, info); s != TT_OK) return report_int(func, s);
    return static_cast<int>((info.*which).size());
}

char* sig_op(const char* func, const char* otype, Signatures which, int sig) {
    OtypeInfo info;
    const Signature* s = nullptr;
    if (Tt_status st = signature_at(otype, which, sig, info, &s); st != TT_OK) return report_ptr(func, st);
    return stack_string(s->op);
}

int sig_args_count(const char* func, const char* otype, Signatures which, int sig) {
    OtypeInfo info;
    const Signature* s = nullptr;
    if (Tt_status st = signature_at(otype, which, sig, info, &s); st != TT_OK) return report_int(func, st);
    return static_cast<int>(s->args.size());
}

Tt_mode sig_arg_mode(const char* func, const char* otype, Signatures which, int sig, int arg) {
    OtypeInfo info;
    const std::pair<Tt_mode, std::string>* a = nullptr;
    if (Tt_status st = arg_at(otype, which, sig, arg, info, &a); st != TT_OK) {
        report(func, st);
        return TT_MODE_UNDEFINED;
    }
    return a->first;
}

char* sig_arg_type(const char* func, const char* otype, Signatures which, int sig, int arg) {
    OtypeInfo info;
    const std::pair<Tt_mode, std::string>* a = nullptr;
    if (Tt_status st = arg_at(otype, which, sig, arg, info, &a); st != TT_OK) return report_ptr(func, st);
    return stack_string(a->second);
}

}  // namespace

extern "C" {

int tt_otype_deriveds_count(const char* otype) {
    OtypeInfo info;
    if (Tt_status s = fetch(otype, info); s != TT_OK) return report_int("tt_otype_deriveds_count", s);
    return static_cast<int>(info.derived.size());
}

char* tt_otype_derived(const char* otype, int i) {
    OtypeInfo info;
    Tt_status s = fetch(otype, info);
    if (s == TT_OK && (i < 0 || static_cast<std::size_t>(i) >= info.derived.size())) s = TT_ERR_NUM;
    if (s != TT_OK) return report_ptr("tt_otype_derived", s);
    return stack_string(info.derived[static_cast<std::size_t>(i)]);
}

// NULL for an otype that derives from nothing.
char* tt_otype_base(const char* otype) {
    OtypeInfo info;
    if (Tt_status s = fetch(otype, info); s != TT_OK) return report_ptr("tt_otype_base", s);
    return info.ancestors.empty() ? nullptr : stack_string(info.ancestors.front());
}

int tt_otype_is_derived(const char* derivedotype, const char* baseotype) {
    OtypeInfo info;
    Tt_status s = fetch(derivedotype, info);
    if (s == TT_OK) s = need_string(baseotype, TT_ERR_OTYPE);
    if (s != TT_OK) return report_int("tt_otype_is_derived", s);
    return std::find(info.ancestors.begin(), info.ancestors.end(), baseotype) != info.ancestors.end() ? 1 : 0;
}

int tt_otype_osig_count(const char* otype) {
    return sig_count("tt_otype_osig_count", otype, &OtypeInfo::observe);
}

int tt_otype_hsig_count(const char* otype) {
    return sig_count("tt_otype_hsig_count", otype, &OtypeInfo::handle);
}

char* tt_otype_osig_op(const char* otype, int sig) {
    return sig_op("tt_otype_osig_op", otype, &OtypeInfo::observe, sig);
}

char* tt_otype_hsig_op(const char* otype, int sig) {
    return sig_op("tt_otype_hsig_op", otype, &OtypeInfo::handle, sig);
}

int tt_otype_osig_args_count(const char* otype, int sig) {
    return sig_args_count("tt_otype_osig_args_count", otype, &OtypeInfo::observe, sig);
}

int tt_otype_hsig_args_count(const char* otype, int sig) {
    return sig_args_count("tt_otype_hsig_args_count", otype, &OtypeInfo::handle, sig);
}

Tt_mode tt_otype_osig_arg_mode(const char* otype, int sig, int arg) {
    return sig_arg_mode("tt_otype_osig_arg_mode", otype, &OtypeInfo::observe, sig, arg);
}

Tt_mode tt_otype_hsig_arg_mode(const char* otype, int sig, int arg) {
    return sig_arg_mode("tt_otype_hsig_arg_mode", otype, &OtypeInfo::handle, sig, arg);
}

char* tt_otype_osig_arg_type(const char* otype, int sig, int arg) {
    return sig_arg_type("tt_otype_osig_arg_type", otype, &OtypeInfo::observe, sig, arg);
}

char* tt_otype_hsig_arg_type(const char* otype, int sig, int arg) {
    return sig_arg_type("tt_otype_hsig_arg_type", otype, &OtypeInfo::handle, sig, arg);
}

}  // extern "C"
