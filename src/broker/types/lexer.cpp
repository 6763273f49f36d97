#include "lexer.h"

#include "text.h"

#include <array>
#include <utility>

namespace ttbus::types {

namespace {

constexpr std::array<std::pair<std::string_view, Tok>, 23> reserved_tokens{{
    {"otype", Tok::Otype}, {"inherit", Tok::Inherit}, {"from", Tok::From}, {"ptype", Tok::Ptype},
    {"per_file", Tok::PerFile}, {"per_session", Tok::PerSession}, {"start", Tok::Start},
    {"observe", Tok::Observe}, {"handle", Tok::Handle}, {"handle_push", Tok::HandlePush},
    {"handle_rotate", Tok::HandleRotate}, {"file", Tok::File}, {"session", Tok::Session},
    {"file_in_session", Tok::FileInSession}, {"request", Tok::Request}, {"notification", Tok::Notification},
    {"void", Tok::Void}, {"in", Tok::In}, {"out", Tok::Out}, {"inout", Tok::Inout}, {"queue", Tok::Queue},
    {"opnum", Tok::Opnum}, {"context", Tok::Context},
}};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::string_view spelling(Tok kind) {
    switch (kind) {
        case Tok::End: return "end of input";
        case Tok::Name: return "a name";
        case Tok::String: return "a string";
        case Tok::Number: return "a number";
        case Tok::Colon: return "':'";
        case Tok::Semicolon: return "';'";
        case Tok::LBrace: return "'{'";
        case Tok::RBrace: return "'}'";
        case Tok::Arrow: return "'=>'";
        case Tok::LParen: return "'('";
        case Tok::RParen: return "')'";
        case Tok::Comma: return "','";
        case Tok::Equals: return "'='";
        default: break;
    }
    for (const auto& [word, tok] : reserved_tokens) {
        if (tok == kind) return word;
    }
    return "?";
}

std::string describe(const Token& t) {
    switch (t.kind) {
        case Tok::Name: return "'" + t.text + "'";
        case Tok::String: return text::format(N_("string \"%s\""), t.text);
        case Tok::Number: return text::format(N_("number %s"), t.text);
        case Tok::End: return text::translate(N_("end of input"));
        default: break;
    }
    if (t.kind >= Tok::Otype) return text::format(N_("reserved word '%s'"), t.text);
    return std::string(spelling(t.kind));
}

Lexer::Lexer(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

char Lexer::peek(std::size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::advance() {
    if (text_[pos_] == '\n') {
        ++line_;
        column_ = 1;
        at_line_start_ = true;
    } else {
        ++column_;
        if (!is_blank(text_[pos_])) at_line_start_ = false;
    }
    ++pos_;
}

Location Lexer::here() const { return Location{file_, line_, column_, {}}; }

// cpp writes `# 12 "file" flags` (GCC) or `#line 12 "file"`: the next line is line 12 of file.
void Lexer::line_marker() {
    Location at = here();
    auto rest_of_line = [&] {
        std::size_t end = text_.find('\n', pos_);
        return text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
    };
    advance();  // '#'
    while (is_blank(peek())) advance();
    std::string_view line = rest_of_line();
    if (line.starts_with("line")) {
        for (int i = 0; i < 4; ++i) advance();
        while (is_blank(peek())) advance();
    } else if (line.starts_with("pragma") || line.starts_with("ident") || line.empty()) {
        while (pos_ < text_.size() && peek() != '\n') advance();
        return;
    }
    if (!is_digit(peek())) {
        throw SyntaxError(at, text::format(N_("unexpected preprocessor directive '#%s' (was the input run through cpp?)"),
                                           rest_of_line().substr(0, 20)));
    }
    long number = 0;
    while (is_digit(peek())) {
        number = number * 10 + (peek() - '0');
        if (number > 100000000) throw SyntaxError(at, text::translate(N_("line number in line marker too large")));
        advance();
    }
    while (is_blank(peek())) advance();
    std::string name;
    bool have_name = false;
    if (peek() == '"') {
        advance();
        while (pos_ < text_.size() && peek() != '"' && peek() != '\n') {
            if (peek() == '\\' && peek(1) != '\n' && peek(1) != '\0') advance();
            name += peek();
            advance();
        }
        if (peek() != '"') throw SyntaxError(at, text::translate(N_("unterminated file name in line marker")));
        advance();
        have_name = true;
    }
    while (pos_ < text_.size() && peek() != '\n') advance();
    if (pos_ < text_.size()) advance();
    line_ = static_cast<int>(number);
    if (have_name) file_ = std::move(name);
}

void Lexer::skip_blanks_and_comments() {
    while (pos_ < text_.size()) {
        char c = peek();
        if (c == '#' && at_line_start_) {
            line_marker();
        } else if (c == '\n' || is_blank(c)) {
            advance();
        } else if (c == '/' && peek(1) == '/') {
            while (pos_ < text_.size() && peek() != '\n') advance();
        } else if (c == '/' && peek(1) == '*') {
            Location at = here();
            advance();
            advance();
            while (pos_ < text_.size() && !(peek() == '*' && peek(1) == '/')) advance();
            if (pos_ >= text_.size()) throw SyntaxError(at, text::translate(N_("unterminated comment: expected '*/'")));
            advance();
            advance();
        } else if (c == '_') {
            // Kept quirk: the classic scanner has no rule for '_' outside a name and drops it, so
            // `_DT_NETFILE` reads as `DT_NETFILE`. CDE's own types files depend on this.
            advance();
        } else {
            return;
        }
    }
}

Token Lexer::next() {
    skip_blanks_and_comments();
    Token t;
    t.where = here();
    if (pos_ >= text_.size()) return t;
    char c = peek();
    if (is_letter(c)) {
        std::size_t start = pos_;
        while (is_letter(peek()) || is_digit(peek()) || peek() == '_' || peek() == '-') advance();
        t.text = std::string(text_.substr(start, pos_ - start));
        t.kind = Tok::Name;
        for (const auto& [word, tok] : reserved_tokens) {
            if (word == t.text) t.kind = tok;
        }
        return t;
    }
    if (is_digit(c)) {
        while (is_digit(peek())) {
            t.text += peek();
            advance();
        }
        t.kind = Tok::Number;
        return t;
    }
    if (c == '"') {
        advance();
        while (pos_ < text_.size() && peek() != '"') {
            t.text += peek();
            advance();
        }
        if (pos_ >= text_.size()) throw SyntaxError(t.where, text::translate(N_("unterminated string: expected '\"'")));
        advance();
        t.kind = Tok::String;
        return t;
    }
    if (c == '=' && peek(1) == '>') {
        advance();
        advance();
        t.kind = Tok::Arrow;
        return t;
    }
    switch (c) {
        case ':': t.kind = Tok::Colon; break;
        case ';': t.kind = Tok::Semicolon; break;
        case '{': t.kind = Tok::LBrace; break;
        case '}': t.kind = Tok::RBrace; break;
        case '(': t.kind = Tok::LParen; break;
        case ')': t.kind = Tok::RParen; break;
        case ',': t.kind = Tok::Comma; break;
        case '=': t.kind = Tok::Equals; break;
        default: {
            // Fixed quirk: the classic scanner silently dropped any other stray character (so
            // `opnum = -1` read as opnum 1); ttbus reports it.
            static constexpr char hex[] = "0123456789abcdef";
            auto byte = static_cast<unsigned char>(c);
            std::string shown = (byte >= ' ' && byte < 0x7f) ? std::string(1, c)
                                                             : std::string("\\x") + hex[byte >> 4] + hex[byte & 15];
            throw SyntaxError(t.where, text::format(N_("unexpected character '%s'"), shown));
        }
    }
    advance();
    return t;
}

}  // namespace ttbus::types
