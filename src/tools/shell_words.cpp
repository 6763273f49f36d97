#include "shell_words.h"

#include <cstring>

namespace ttbus::tools {

std::optional<std::vector<std::string>> shell_words(const std::string& text, std::string* error) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;  // "" makes a word even though it adds no character
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\\') {
            if (++i < text.size() && text[i] != '\n') word += text[i];
        } else if (c == '\'') {
            std::size_t end = text.find('\'', i + 1);
            if (end == std::string::npos) {
                *error = "unterminated ' in " + text;
                return std::nullopt;
            }
            word.append(text, i + 1, end - i - 1);
            i = end;
        } else if (c == '"') {
            for (++i;; ++i) {
                if (i >= text.size()) {
                    *error = "unterminated \" in " + text;
                    return std::nullopt;
                }
                if (text[i] == '"') break;
                if (text[i] == '\\' && i + 1 < text.size() && std::strchr("$`\"\\\n", text[i + 1]) != nullptr) {
                    if (text[++i] != '\n') word += text[i];
                } else {
                    word += text[i];
                }
            }
        } else {
            word += c;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

}  // namespace ttbus::tools
