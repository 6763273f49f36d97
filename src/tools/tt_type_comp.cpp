// tt_type_comp: compiles ToolTalk types into ttbus's type database, with the classic command line
// (facts §3.8). Exit status: 1 usage, 2 errors in the types, 3 a database cannot be read or written.
#include "types/database.h"
#include "types/printer.h"

#include "shell_words.h"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace ttbus::types;

constexpr int exit_usage = 1;
constexpr int exit_types = 2;
constexpr int exit_database = 3;

const char* const usage_text =
    "Usage:\n"
    "  tt_type_comp [-s] [-d db] [-mM] [cpp options] source   merge types into a database (default db: user)\n"
    "  tt_type_comp [-s] [-d db] -r type ...                   remove ptypes/otypes from a database\n"
    "  tt_type_comp [-s] -p|-O|-P [-d db]                      print all types, otype or ptype names\n"
    "  tt_type_comp [-s] -p|-O|-P compiled_file                the same for one file ('-': stdin)\n"
    "  tt_type_comp [-s] -x [-o out] [cpp options] source      compile to a file (default source.xdr;\n"
    "                                                          out.json writes JSON; '-o -': stdout)\n"
    "  tt_type_comp -v | -h\n"
    "  -m merge, replacing existing types (default); -M merge, keeping existing types\n"
    "  -d user|system|network|xdg   which database; xdg is ttbus's JSON database\n"
    "  -s silent: no warnings or progress messages\n"
    "  cpp options: -undef -Dname[=value] -Idir -Uname -Ydir are passed to the C preprocessor,\n"
    "               after the shell's quote removal, as classic did (-DDIR=\\\"/a/b\\\" gives \"/a/b\")\n"
    "  -G (garbage-collect the database server) is accepted; ttbus has no database server\n";

struct Options {
    char action = 0;  // 0 merge, 'r', 'p', 'O', 'P', 'x', 'G', 'v', 'h'
    bool silent = false;
    MergeMode mode = MergeMode::Overwrite;
    std::optional<Level> level;
    std::optional<std::string> out;
    std::vector<std::string> cpp_args;
    std::vector<std::string> operands;
};

struct UsageError {
    std::string message;
};

// Classic tt_type_comp ran cpp through the shell, which took one level of quotes off the options
// ('-DDIR=\"/a/b\"' defines DIR as "/a/b"): the same words, without a shell. A blank outside
// quotes split an option there; a piece that is no option would have been a file to cpp.
void add_cpp_option(Options& o, const std::string& arg) {
    std::string error;
    auto words = ttbus::tools::shell_words(arg, &error);
    if (!words) throw UsageError{"cpp option: " + error};
    for (auto& w : *words) {
        if (w.size() < 2 || w[0] != '-') {
            throw UsageError{"cpp option " + arg + ": '" + w + "' is not an option (quote the blank inside it)"};
        }
        o.cpp_args.push_back(std::move(w));
    }
}

Options parse_command_line(int argc, char** argv) {
    Options o;
    auto set_action = [&](char a) {
        if (o.action != 0 && o.action != a) throw UsageError{"options -r, -p, -O, -P, -x, -G, -v and -h exclude each other"};
        o.action = a;
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-') {
            o.operands.push_back(arg);
            continue;
        }
        if (std::string_view("uDIUY").find(arg[1]) != std::string_view::npos) {
            if (arg.size() == 2 && arg[1] != 'u') {
                if (i + 1 >= argc) throw UsageError{"option " + arg + " needs an argument"};
                arg += argv[++i];
            }
            add_cpp_option(o, arg);
            continue;
        }
        for (std::size_t k = 1; k < arg.size(); ++k) {
            char c = arg[k];
            auto value = [&]() -> std::string {
                if (k + 1 < arg.size()) {
                    std::string v = arg.substr(k + 1);
                    k = arg.size();
                    return v;
                }
                if (i + 1 >= argc) throw UsageError{std::string("option -") + c + " needs an argument"};
                return argv[++i];
            };
            switch (c) {
                case 's': o.silent = true; break;
                case 'm': o.mode = MergeMode::Overwrite; break;
                case 'M': o.mode = MergeMode::KeepExisting; break;
                case 'X': break;  // XDR is the only database kind
                case 'E': throw UsageError{"-E: the Classing Engine is not supported"};
                case 'd': {
                    std::string w = value();
                    o.level = level_from_word(w);
                    if (!o.level) throw UsageError{"-d: expected user, system, network or xdg, not '" + w + "'"};
                    break;
                }
                case 'o': o.out = value(); break;
                case 'r': case 'p': case 'O': case 'P': case 'x': case 'G': case 'v': case 'h': set_action(c); break;
                default: throw UsageError{std::string("unknown option -") + c};
            }
        }
    }
    return o;
}

class Tool {
public:
    Tool(Options o, Environment env) : o_(std::move(o)), env_(std::move(env)) { cpp_.args = o_.cpp_args; }

    int run() {
        switch (o_.action) {
            case 'h': std::cout << usage_text; return 0;
            case 'v': std::cout << "tt_type_comp (ttbus) " TTBUS_VERSION "\n"; return 0;
            case 'G':
                std::cout << "tt_type_comp: -G is not applicable: ttbus keeps no database server to garbage-collect\n";
                return 0;
            case 'r': return remove_types();
            case 'p': case 'O': case 'P': return print();
            case 'x': return compile();
            default: return merge_source();
        }
    }

private:
    void report(const Diagnostics& ds) {
        for (const auto& d : ds) {
            if (d.severity == Severity::Error || !o_.silent) std::cerr << format(d) << '\n';
        }
    }
    void note(const std::string& msg) {
        if (!o_.silent) std::cerr << "tt_type_comp: " << msg << '\n';
    }
    int fail(int code, const std::string& msg) {
        std::cerr << "tt_type_comp: " << msg << '\n';
        return code;
    }

    std::optional<std::string> target() { return level_path(env_, o_.level.value_or(Level::User)); }

    // Every type along the search path: what a source may refer to.
    TypeSet everything() { return load_database(search_path(env_), cpp_).types; }

    std::optional<FileTypes> read_database(const std::string& path) {
        FileTypes db = read_type_file(path, cpp_, {});
        report(db.diagnostics);
        if (!db.ok()) return std::nullopt;
        return db;
    }

    std::optional<TypeSet> read_source(const std::string& source, const TypeSet& known) {
        FileFormat format = format_of(source) == FileFormat::Json ? FileFormat::Json : FileFormat::Source;
        FileTypes src = read_type_file(source, format, cpp_, known);
        report(src.diagnostics);
        if (!src.ok()) return std::nullopt;
        return std::move(src.types);
    }

    bool one_source() {
        if (o_.operands.size() > 1) return false;
        if (o_.operands.empty()) o_.operands.push_back("-");
        return true;
    }

    int merge_source() {
        if (!one_source()) return fail(exit_usage, "give one types source\n" + std::string(usage_text));
        const std::string& source = o_.operands[0];
        auto db_path = target();
        if (!db_path) return fail(exit_database, "no database for this -d level (is HOME set?)");
        auto db = read_database(*db_path);
        if (!db) return fail(exit_database, "cannot read " + *db_path);
        TypeSet known = everything();
        merge(known, db->types, MergeMode::Overwrite);
        auto src = read_source(source, known);
        if (!src) return fail(exit_types, "errors in types file; " + *db_path + " is unchanged");
        if (format_of(*db_path) == FileFormat::Xdr) {
            for (const auto& p : src->ptypes) {
                // A unit alone travels as the start string "systemd-unit:NAME"; beside a start string it cannot.
                if ((!p.unit.empty() && !p.start.empty()) || !p.extensions.empty()) {
                    note("ptype " + p.id + ": a unit beside a start string, and x-* members, cannot be stored in " +
                         *db_path + " (use -d xdg for ttbus-only fields)");
                }
            }
        }
        for (const auto& id : merge(db->types, *src, o_.mode)) {
            if (o_.mode == MergeMode::KeepExisting) note(id + " is already defined; keeping the existing definition");
        }
        if (auto err = write_database(*db_path, db->types)) return fail(exit_database, *err);
        return 0;
    }

    int remove_types() {
        if (o_.operands.empty()) return fail(exit_usage, "-r needs the names of the types to remove");
        auto db_path = target();
        if (!db_path) return fail(exit_database, "no database for this -d level (is HOME set?)");
        auto db = read_database(*db_path);
        if (!db) return fail(exit_database, "cannot read " + *db_path);
        for (const auto& id : remove(db->types, o_.operands)) note(id + ": no such ptype or otype in " + *db_path);
        if (auto err = write_database(*db_path, db->types)) return fail(exit_database, *err);
        return 0;
    }

    int print() {
        if (o_.operands.size() > 1) return fail(exit_usage, "give at most one compiled file to print");
        FileTypes db;
        if (!o_.operands.empty()) {
            const std::string& file = o_.operands[0];
            db = read_type_file(file, file == "-" ? FileFormat::Xdr : format_of(file), cpp_, {});
        } else if (o_.level) {
            auto path = target();
            if (!path) return fail(exit_database, "no database for this -d level (is HOME set?)");
            db = read_type_file(*path, cpp_, {});
        } else {
            db = load_database(search_path(env_), cpp_);
        }
        report(db.diagnostics);
        if ((!o_.operands.empty() || o_.level) && !db.ok()) return exit_database;  // the path: skip bad files
        if (o_.action == 'p') std::cout << print_types(db.types);
        if (o_.action == 'O') std::cout << list_otypes(db.types);
        if (o_.action == 'P') std::cout << list_ptypes(db.types);
        return 0;
    }

    int compile() {
        if (!one_source()) return fail(exit_usage, "give one types source\n" + std::string(usage_text));
        const std::string& source = o_.operands[0];
        std::string out = o_.out.value_or(source == "-" ? "types.xdr" : source + ".xdr");
        auto src = read_source(source, everything());
        if (!src) return fail(exit_types, "errors in types file; nothing written");
        if (out == "-") {
            std::cout << encode(*src, FileFormat::Xdr);
            return std::cout.flush() ? 0 : exit_database;
        }
        if (auto err = write_database(out, *src)) return fail(exit_database, *err);
        return 0;
    }

    Options o_;
    Environment env_;
    CppOptions cpp_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    try {
        options = parse_command_line(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "tt_type_comp: " << e.message << '\n' << usage_text;
        return exit_usage;
    }
    return Tool(std::move(options), Environment::from_process()).run();
}
