// The handlers of the object-spec methods of org.ttbus.Broker1 (tt_spec_*, tt_file_objects_query,
// tt_file_copy/move/destroy): once the caller's credentials are known, each checks the caller's access to the file(s) concerned (file_access.h) and asks the spec store.
#include "file_access.h"
#include "service_parts.h"

#include "protocol/spec.h"

namespace ttbus::dbus {

namespace {

// The key of a path a caller gave.
std::string file_arg(const char* path) {
    std::string file = canonical_file(path);
    if (file.empty()) throw Failure(core::Status::ERR_PATH, std::string("'") + path + "' is not an absolute path");
    return file;
}

void allow(const Connection& who, const std::string& file, FileAccess want) {
    core::Status s = file_access(file, want, FileUser{who.uid, who.gid, &who.groups});
    if (s != core::Status::OK) {
        throw Failure(s, (want == FileAccess::READ ? "may not read the specs of " : "may not change the specs of ") + file);
    }
}

void done(core::Status s, const std::string& error, const std::string& what) {
    if (s != core::Status::OK) throw Failure(s, error.empty() ? what : what + ": " + error);
}

store::Spec existing(const store::SpecStore& specs, const std::string& objid) {
    store::Spec spec;
    std::string error;
    done(specs.find(objid, &spec, &error), error, "no spec " + objid);
    return spec;
}

}  // namespace

void Service::with_specs(const MethodCall& c,
                         std::function<void(const Connection&, store::SpecStore&, const MessageRef&)> act) {
    as_known_caller(c, [this, act = std::move(act)](Connection& who, const MessageRef& call) {
        store::SpecStore* specs = specs_.get();
        if (specs == nullptr) throw Failure(core::Status::ERR_DBEXIST, "the broker has no spec database");
        act(who, *specs, call);
    });
}

void Service::SpecCreate(const MethodCall& call, const std::string& objid_arg, const std::string& file_path,
                         const std::string& otype, SpecProps& props) {
    std::string objid = objid_arg;
    const std::string file = file_arg(file_path.c_str());
    if (otype.empty()) throw Failure(core::Status::ERR_OTYPE, "a spec needs an otype");
    if (objid.empty()) objid = new_objid();
    if (!is_objid(objid)) {
        throw Failure(core::Status::ERR_OBJID, "'" + objid + "' is not an objid of the form ttbus:<32 hex digits>");
    }
    store::Spec spec{objid, file, otype, std::move(props)};
    with_specs(call, [this, spec = std::move(spec)](const Connection& who, store::SpecStore& specs,
                                                    const MessageRef& reply_to) {
        allow(who, spec.file, FileAccess::WRITE);
        std::string error;
        done(specs.create(spec, &error), error, "spec " + spec.objid);
        reply(reply_to.get(), [&](Writer& w) { w.string(spec.objid); });
    });
}

void Service::SpecWrite(const MethodCall& call, const std::string& objid, const std::string& otype, SpecProps& props) {
    with_specs(call, [this, objid, otype, props = std::move(props)](const Connection& who, store::SpecStore& specs,
                                                                    const MessageRef& reply_to) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        std::string error;
        done(specs.write(objid, otype, props, &error), error, "spec " + objid);
        reply_empty(reply_to.get());
    });
}

void Service::SpecDestroy(const MethodCall& call, const std::string& objid) {
    with_specs(call, [this, objid](const Connection& who, store::SpecStore& specs,
                                   const MessageRef& reply_to) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        std::string error;
        done(specs.destroy(objid, &error), error, "spec " + objid);
        reply_empty(reply_to.get());
    });
}

void Service::Spec(const MethodCall& call, const std::string& objid) {
    with_specs(call, [this, objid](const Connection& who, store::SpecStore& specs,
                                   const MessageRef& reply_to) {
        const store::Spec spec = existing(specs, objid);
        allow(who, spec.file, FileAccess::READ);
        reply(reply_to.get(), [&](Writer& w) {
            w.string(spec.file);
            w.string(spec.otype);
            write_spec_props(w, spec.props);
        });
    });
}

void Service::SpecMove(const MethodCall& call, const std::string& objid, const std::string& file_path) {
    const std::string file = file_arg(file_path.c_str());
    with_specs(call, [this, objid, file](const Connection& who, store::SpecStore& specs,
                                         const MessageRef& reply_to) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        allow(who, file, FileAccess::WRITE);
        std::string error;
        done(specs.move(objid, file, &error), error, "spec " + objid);
        reply_empty(reply_to.get());
    });
}

void Service::FileObjects(const MethodCall& call, const std::string& file_path) {
    const std::string file = file_arg(file_path.c_str());
    with_specs(call, [this, file](const Connection& who, store::SpecStore& specs,
                                  const MessageRef& reply_to) {
        allow(who, file, FileAccess::READ);
        std::vector<std::string> objids;
        std::string error;
        done(specs.objects(file, &objids, &error), error, "the specs of " + file);
        reply(reply_to.get(), [&](Writer& w) { w.strings(objids); });
    });
}

void Service::FileCopy(const MethodCall& call, const std::string& from_path, const std::string& to_path) {
    const std::string from = file_arg(from_path.c_str());
    const std::string to = file_arg(to_path.c_str());
    with_specs(call, [this, from, to](const Connection& who, store::SpecStore& specs,
                                      const MessageRef& reply_to) {
        allow(who, from, FileAccess::READ);
        allow(who, to, FileAccess::WRITE);
        std::string error;
        done(specs.copy_file(from, to, &error), error, "the specs of " + from);
        reply_empty(reply_to.get());
    });
}

void Service::FileMove(const MethodCall& call, const std::string& from_path, const std::string& to_path) {
    const std::string from = file_arg(from_path.c_str());
    const std::string to = file_arg(to_path.c_str());
    with_specs(call, [this, from, to](const Connection& who, store::SpecStore& specs,
                                      const MessageRef& reply_to) {
        allow(who, from, FileAccess::WRITE);
        allow(who, to, FileAccess::WRITE);
        std::string error;
        done(specs.move_file(from, to, &error), error, "the specs of " + from);
        reply_empty(reply_to.get());
    });
}

void Service::FileDestroy(const MethodCall& call, const std::string& file_path) {
    const std::string file = file_arg(file_path.c_str());
    with_specs(call, [this, file](const Connection& who, store::SpecStore& specs,
                                  const MessageRef& reply_to) {
        allow(who, file, FileAccess::WRITE);
        std::string error;
        done(specs.destroy_file(file, &error), error, "the specs of " + file);
        reply_empty(reply_to.get());
    });
}

}  // namespace ttbus::dbus
