// A message (body and header) as JSON text, for keeping it on disk. Bytes values are hex, so any
// byte survives; decoding checks every field and fails rather than guess.
#pragma once

#include "core/wire_types.h"

#include <optional>
#include <string>

namespace ttbus::store {

std::string encode_message(const core::MessageView& m);
// nullopt (and `error` set) when the text is not a message this codec wrote.
std::optional<core::MessageView> decode_message(const std::string& text, std::string* error);

}  // namespace ttbus::store
