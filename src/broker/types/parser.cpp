#include "parser.h"

#include "lexer.h"

#include "text.h"

#include <cstdint>

namespace ttbus::types {

namespace {

bool is_section(Tok t) {
    return t == Tok::Handle || t == Tok::HandlePush || t == Tok::HandleRotate || t == Tok::Observe;
}

core::Category category_of(Tok t) {
    switch (t) {
        case Tok::Observe: return core::Category::OBSERVE;
        case Tok::HandlePush: return core::Category::HANDLE_PUSH;
        case Tok::HandleRotate: return core::Category::HANDLE_ROTATE;
        default: return core::Category::HANDLE;
    }
}

bool is_scope(Tok t) { return t == Tok::File || t == Tok::Session || t == Tok::FileInSession; }

core::Scope scope_of(Tok t) {
    switch (t) {
        case Tok::File: return core::Scope::FILE;
        case Tok::Session: return core::Scope::SESSION;
        default: return core::Scope::FILE_IN_SESSION;
    }
}

core::Disposition operator|(core::Disposition a, core::Disposition b) {
    return static_cast<core::Disposition>(static_cast<std::int32_t>(a) | static_cast<std::int32_t>(b));
}

class Parser {
public:
    Parser(std::string_view text, const std::string& file) : lex_(text, file) {}

    ParsedTypes run() {
        shift();
        if (tok_.kind == Tok::End) fail(N_("'ptype' or 'otype'"));
        while (tok_.kind != Tok::End) {
            if (tok_.kind == Tok::Ptype) {
                ptype_def();
            } else if (tok_.kind == Tok::Otype) {
                otype_def();
            } else {
                fail(N_("'ptype' or 'otype'"));
            }
        }
        return std::move(out_);
    }

private:
    void shift() { tok_ = lex_.next(); }

    // `expected` is a text marked with N_, its "%s" filled with `value`.
    [[noreturn]] void fail(const char* expected, std::string_view value = {}) {
        const std::string what = text::format(expected, value);
        throw SyntaxError(tok_.where,
                          tok_.kind >= Tok::Otype
                              // TRANSLATORS: "expected <what the grammar allows>, found <the token>".
                              ? text::format(N_("expected %s, found %s (reserved words cannot be used as names)"),
                                             what, describe(tok_))
                              : text::format(N_("expected %s, found %s"), what, describe(tok_)));
    }

    void expect(Tok kind, const char* expected, std::string_view value = {}) {
        if (tok_.kind != kind) fail(expected, value);
        shift();
    }

    std::string name(const char* expected) {
        if (tok_.kind != Tok::Name) fail(expected);
        std::string n = std::move(tok_.text);
        shift();
        return n;
    }

    std::int32_t number() {
        if (tok_.kind != Tok::Number) fail(N_("a number"));
        std::int64_t v = 0;
        for (char c : tok_.text) {
            v = v * 10 + (c - '0');
            if (v > INT32_MAX) throw SyntaxError(tok_.where, text::format(N_("number %s is too large (at most 2147483647)"), tok_.text));
        }
        shift();
        return static_cast<std::int32_t>(v);
    }

    void ptype_def() {
        Location at = tok_.where;
        shift();
        core::Ptype p;
        p.id = name(N_("a ptype name after 'ptype'"));
        expect(Tok::LBrace, N_("'{' after the ptype name"));
        while (tok_.kind == Tok::Start || tok_.kind == Tok::PerFile || tok_.kind == Tok::PerSession) property(p);
        std::vector<Location> sig_at;
        sections(p.signatures, sig_at, [this](core::Category cat) { return ptype_signature(cat); });
        expect(Tok::RBrace, p.signatures.empty() && p.properties.empty()
                                ? N_("a property ('start', 'per_file', 'per_session'), a section ('handle:', "
                                     "'handle_push:', 'handle_rotate:', 'observe:') or '}'")
                                : N_("a section ('handle:', 'handle_push:', 'handle_rotate:', 'observe:') or '}'"));
        if (tok_.kind == Tok::Semicolon) shift();
        out_.types.ptypes.push_back(std::move(p));
        out_.where.ptypes.push_back(std::move(at));
        out_.where.ptype_signatures.push_back(std::move(sig_at));
    }

    void property(core::Ptype& p) {
        std::string prop = tok_.text;
        shift();
        std::string value;
        if (tok_.kind == Tok::String) {
            while (tok_.kind == Tok::String) {  // adjacent strings concatenate
                value += tok_.text;
                shift();
            }
        } else if (tok_.kind == Tok::Number) {
            value = tok_.text;
            shift();
        } else {
            fail(N_("a string or a number after '%s'"), prop);
        }
        // TRANSLATORS: %s is a property: start, per_file or per_session.
        expect(Tok::Semicolon, N_("';' after the %s value"), prop);
        bool replaced = false;
        for (auto& [k, v] : p.properties) {
            if (k == prop) {
                v = value;
                replaced = true;
            }
        }
        if (!replaced) p.properties.emplace_back(prop, value);
        if (prop == "start") p.start = value;
    }

    // The sections of a ptype or otype body ('handle:', 'observe:', ...), each holding signatures
    // read by `signature`; `at` gets where each one starts.
    template <typename ReadSignature>
    void sections(std::vector<core::Signature>& sigs, std::vector<Location>& at, ReadSignature signature) {
        while (is_section(tok_.kind)) {
            core::Category cat = category_of(tok_.kind);
            shift();
            expect(Tok::Colon, N_("':' after the section name"));
            while (!is_section(tok_.kind) && tok_.kind != Tok::RBrace && tok_.kind != Tok::End) {
                at.push_back(tok_.where);
                sigs.push_back(signature(cat));
            }
        }
    }

    // The part after '=>' that ptype and otype signatures share: [start] [queue] [opnum = N], in this order.
    void disposition_and_opnum(core::Signature& s) {
        if (tok_.kind == Tok::Start) {
            s.disposition = s.disposition | core::Disposition::START;
            shift();
        }
        if (tok_.kind == Tok::Queue) {
            s.disposition = s.disposition | core::Disposition::QUEUE;
            shift();
        }
        if (tok_.kind == Tok::Opnum) {
            shift();
            expect(Tok::Equals, N_("'=' after 'opnum'"));
            s.opnum = number();
        }
    }

    core::Signature ptype_signature(core::Category cat) {
        core::Signature s;
        s.category = cat;
        if (is_scope(tok_.kind)) {
            s.scope = scope_of(tok_.kind);
            shift();
            s.op = name(N_("an op name after the scope"));
        } else {
            s.op = name(N_("a signature (an op name, optionally after 'session', 'file' or 'file_in_session'), "
                           "a section such as 'handle:', or '}'"));
        }
        interface(s);
        if (tok_.kind == Tok::Arrow) {
            shift();
            disposition_and_opnum(s);
            expect(Tok::Semicolon, N_("'start', 'queue', 'opnum' or ';' (they come in this order)"));
        } else {
            expect(Tok::Semicolon, N_("'=>' or ';' after the signature"));
        }
        return s;
    }

    // '(' arglist ')' [context(...)]
    void interface(core::Signature& s) {
        expect(Tok::LParen, N_("'(' after the op name"));
        if (tok_.kind == Tok::Void) {
            shift();
            expect(Tok::RParen, N_("')' after 'void'"));
        } else if (tok_.kind == Tok::RParen) {
            shift();
        } else {
            for (;;) {
                s.args.push_back(argument());
                if (tok_.kind == Tok::Comma) {
                    shift();
                    continue;
                }
                expect(Tok::RParen, N_("',' or ')' after an argument"));
                break;
            }
        }
        if (tok_.kind == Tok::Context) {
            shift();
            expect(Tok::LParen, N_("'(' after 'context'"));
            s.contexts.push_back(name(N_("a context slot name")));
            while (tok_.kind == Tok::Comma) {
                shift();
                s.contexts.push_back(name(N_("a context slot name after ','")));
            }
            expect(Tok::RParen, N_("',' or ')' after a context slot name"));
        }
    }

    core::SignatureArg argument() {
        core::SignatureArg a;
        switch (tok_.kind) {
            case Tok::In: a.mode = core::Mode::IN; break;
            case Tok::Out: a.mode = core::Mode::OUT; break;
            case Tok::Inout: a.mode = core::Mode::INOUT; break;
            default: fail(N_("an argument mode ('in', 'out' or 'inout'), 'void' or ')'"));
        }
        shift();
        a.vtype = name(N_("a vtype after the argument mode"));
        a.name = name(N_("an argument name after the vtype"));
        return a;
    }

    void otype_def() {
        Location at = tok_.where;
        shift();
        core::Otype o;
        o.id = name(N_("an otype name after 'otype'"));
        std::vector<Location> parent_at;
        if (tok_.kind == Tok::Colon) {
            shift();
            parent_at.push_back(tok_.where);
            o.parents.push_back(name(N_("a parent otype name after ':'")));
            while (tok_.kind == Tok::Name) {
                parent_at.push_back(tok_.where);
                o.parents.push_back(name(N_("a parent otype name")));
            }
            expect(Tok::LBrace, N_("another parent otype name or '{'"));
        } else {
            expect(Tok::LBrace, N_("':' and parent otypes, or '{' after the otype name"));
        }
        std::vector<Location> sig_at;
        sections(o.signatures, sig_at, [this](core::Category cat) { return otype_signature(cat); });
        expect(Tok::RBrace, N_("a section ('handle:', 'handle_push:', 'handle_rotate:', 'observe:') or '}'"));
        if (tok_.kind == Tok::Semicolon) shift();
        out_.types.otypes.push_back(std::move(o));
        out_.where.otypes.push_back(std::move(at));
        out_.where.otype_parents.push_back(std::move(parent_at));
        out_.where.otype_signatures.push_back(std::move(sig_at));
    }

    core::Signature otype_signature(core::Category cat) {
        core::Signature s;
        s.category = cat;
        s.op = name(N_("a signature (an op name), a section such as 'handle:', or '}'"));
        interface(s);
        expect(Tok::Arrow, N_("'=>' and the handling ptype (otype signatures name their ptype)"));
        if (tok_.kind == Tok::From) {  // pure inheritance: the check copies the rest from the parent
            shift();
            s.super_otype = name(N_("an otype name after 'from'"));
            expect(Tok::Semicolon, N_("';' after the inherited otype"));
            return s;
        }
        s.ptype = name(N_("a ptype name or 'from' after '=>'"));
        if (is_scope(tok_.kind)) {
            s.scope = scope_of(tok_.kind);
            shift();
        }
        disposition_and_opnum(s);
        if (tok_.kind == Tok::From) {
            shift();
            s.super_otype = name(N_("an otype name after 'from'"));
        }
        expect(Tok::Semicolon, N_("a scope, 'start', 'queue', 'opnum', 'from' or ';' (they come in this order)"));
        return s;
    }

    Lexer lex_;
    Token tok_;
    ParsedTypes out_;
};

}  // namespace

ParsedTypes parse_types(std::string_view text, const std::string& file) {
    try {
        return Parser(text, file).run();
    } catch (const SyntaxError& e) {
        ParsedTypes failed;
        failed.diagnostics.push_back({Severity::Error, e.where, text::format(N_("syntax error: %s"), e.what())});
        return failed;
    }
}

}  // namespace ttbus::types
