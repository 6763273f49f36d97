// The scanner of the classic types language (facts §3.2), run over the C preprocessor's output.
// It follows cpp's line markers so locations name the original file and line.
#pragma once

#include "diagnostic.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace ttbus::types {

enum class Tok {
    End, Name, String, Number,
    Colon, Semicolon, LBrace, RBrace, Arrow, LParen, RParen, Comma, Equals,
    // reserved words
    Otype, Inherit, From, Ptype, PerFile, PerSession, Start, Observe, Handle, HandlePush, HandleRotate,
    File, Session, FileInSession, Request, Notification, Void, In, Out, Inout, Queue, Opnum, Context,
};

struct Token {
    Tok kind = Tok::End;
    std::string text;  // a name, a string's contents, or a number's digits
    Location where;
};

// A syntax error: thrown by the lexer and the parser, caught at the parser's boundary.
struct SyntaxError : std::runtime_error {
    SyntaxError(Location at, const std::string& what) : std::runtime_error(what), where(std::move(at)) {}
    Location where;
};

// How a token reads in an error message: "'foo'", "reserved word 'file'", "end of input".
std::string describe(const Token& t);
std::string_view spelling(Tok kind);

class Lexer {
public:
    Lexer(std::string_view text, std::string file);
    Token next();

private:
    char peek(std::size_t ahead = 0) const;
    void advance();
    void skip_blanks_and_comments();
    void line_marker();
    Location here() const;

    std::string_view text_;
    std::size_t pos_ = 0;
    std::string file_;
    int line_ = 1;
    int column_ = 1;
    bool at_line_start_ = true;
};

}  // namespace ttbus::types
