// What the engine asks about object specs to address a TT_OBJECT message: the otype the spec was
// written with and the file it belongs to. The engine does no I/O: the broker gives it the spec
// store (store/spec_store.h), which answers from its database.
#pragma once

#include <optional>
#include <string>

namespace ttbus::core {

struct ObjectSpec {
    std::string otype;
    std::string file;  // canonical path
};

class SpecLookup {
public:
    virtual ~SpecLookup() = default;
    // The spec of `objid`; nothing when no spec has that id.
    virtual std::optional<ObjectSpec> object(const std::string& objid) const = 0;
};

}  // namespace ttbus::core
