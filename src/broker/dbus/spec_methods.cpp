// The handlers of the object-spec methods of org.ttbus.Broker1 (tt_spec_*, tt_file_objects_query,
// tt_file_copy/move/destroy): each reads its arguments, then, once the caller's credentials are
// known, checks the caller's access to the file(s) concerned (file_access.h) and asks the spec store.
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

void Service::with_specs(sd_bus_message* m, std::function<void(const Connection&, store::SpecStore&)> act) {
    MessageRef call(m);
    with_credentials(caller(m), [this, call, act = std::move(act)](Connection* conn, const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            if (!specs_) throw Failure(core::Status::ERR_DBEXIST, "the broker has no spec database");
            act(*conn, *specs_);
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
}

int Service::SpecCreate(sd_bus_message* m) {
    std::string objid = read_string(m);
    const std::string file = file_arg(read_string(m));
    const std::string otype = read_string(m);
    auto props = read_spec_props(m);
    if (otype.empty()) throw Failure(core::Status::ERR_OTYPE, "a spec needs an otype");
    if (objid.empty()) objid = new_objid();
    if (!is_objid(objid)) {
        throw Failure(core::Status::ERR_OBJID, "'" + objid + "' is not an objid of the form ttbus:<32 hex digits>");
    }
    with_specs(m, [this, call = MessageRef(m), spec = store::Spec{objid, file, otype, std::move(props)}](
                      const Connection& who, store::SpecStore& specs) {
        allow(who, spec.file, FileAccess::WRITE);
        std::string error;
        done(specs.create(spec, &error), error, "spec " + spec.objid);
        reply(call.get(), [&](Writer& w) { w.string(spec.objid); });
    });
    return 1;
}

int Service::SpecWrite(sd_bus_message* m) {
    const std::string objid = read_string(m);
    const std::string otype = read_string(m);
    auto props = read_spec_props(m);
    with_specs(m, [this, call = MessageRef(m), objid, otype, props = std::move(props)](const Connection& who,
                                                                                        store::SpecStore& specs) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        std::string error;
        done(specs.write(objid, otype, props, &error), error, "spec " + objid);
        reply_empty(call.get());
    });
    return 1;
}

int Service::SpecDestroy(sd_bus_message* m) {
    const std::string objid = read_string(m);
    with_specs(m, [this, call = MessageRef(m), objid](const Connection& who, store::SpecStore& specs) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        std::string error;
        done(specs.destroy(objid, &error), error, "spec " + objid);
        reply_empty(call.get());
    });
    return 1;
}

int Service::Spec(sd_bus_message* m) {
    const std::string objid = read_string(m);
    with_specs(m, [this, call = MessageRef(m), objid](const Connection& who, store::SpecStore& specs) {
        const store::Spec spec = existing(specs, objid);
        allow(who, spec.file, FileAccess::READ);
        reply(call.get(), [&](Writer& w) {
            w.string(spec.file);
            w.string(spec.otype);
            write_spec_props(w, spec.props);
        });
    });
    return 1;
}

int Service::SpecMove(sd_bus_message* m) {
    const std::string objid = read_string(m);
    const std::string file = file_arg(read_string(m));
    with_specs(m, [this, call = MessageRef(m), objid, file](const Connection& who, store::SpecStore& specs) {
        allow(who, existing(specs, objid).file, FileAccess::WRITE);
        allow(who, file, FileAccess::WRITE);
        std::string error;
        done(specs.move(objid, file, &error), error, "spec " + objid);
        reply_empty(call.get());
    });
    return 1;
}

int Service::FileObjects(sd_bus_message* m) {
    const std::string file = file_arg(read_string(m));
    with_specs(m, [this, call = MessageRef(m), file](const Connection& who, store::SpecStore& specs) {
        allow(who, file, FileAccess::READ);
        std::vector<std::string> objids;
        std::string error;
        done(specs.objects(file, &objids, &error), error, "the specs of " + file);
        reply(call.get(), [&](Writer& w) { w.strings(objids); });
    });
    return 1;
}

int Service::FileCopy(sd_bus_message* m) {
    const std::string from = file_arg(read_string(m));
    const std::string to = file_arg(read_string(m));
    with_specs(m, [this, call = MessageRef(m), from, to](const Connection& who, store::SpecStore& specs) {
        allow(who, from, FileAccess::READ);
        allow(who, to, FileAccess::WRITE);
        std::string error;
        done(specs.copy_file(from, to, &error), error, "the specs of " + from);
        reply_empty(call.get());
    });
    return 1;
}

int Service::FileMove(sd_bus_message* m) {
    const std::string from = file_arg(read_string(m));
    const std::string to = file_arg(read_string(m));
    with_specs(m, [this, call = MessageRef(m), from, to](const Connection& who, store::SpecStore& specs) {
        allow(who, from, FileAccess::WRITE);
        allow(who, to, FileAccess::WRITE);
        std::string error;
        done(specs.move_file(from, to, &error), error, "the specs of " + from);
        reply_empty(call.get());
    });
    return 1;
}

int Service::FileDestroy(sd_bus_message* m) {
    const std::string file = file_arg(read_string(m));
    with_specs(m, [this, call = MessageRef(m), file](const Connection& who, store::SpecStore& specs) {
        allow(who, file, FileAccess::WRITE);
        std::string error;
        done(specs.destroy_file(file, &error), error, "the specs of " + file);
        reply_empty(call.get());
    });
    return 1;
}

}  // namespace ttbus::dbus
