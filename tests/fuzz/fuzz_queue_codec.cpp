// libFuzzer target: the queue store's message codec (src/broker/store/message_codec), which reads
// back what a possibly damaged or hand-edited queue.sqlite holds. No input may crash it, and what it
// decodes must encode to text that decodes to the same message (the same text once more).
#include "store/message_codec.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ttbus::store;
    std::string error;
    auto message = decode_message(std::string(reinterpret_cast<const char*>(data), size), &error);
    if (!message) {
        if (error.empty()) std::abort();  // a refusal says why
        return 0;
    }
    const std::string text = encode_message(*message);
    auto again = decode_message(text, &error);
    if (!again || encode_message(*again) != text) std::abort();
    return 0;
}
