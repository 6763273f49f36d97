// tt_type_comp: compiles ToolTalk types into ttbus's type database, with the classic command line
// (facts §3.8). Exit status: 1 usage, 2 errors in the types, 3 a database cannot be read or written.
#include "types/database.h"
#include "types/printer.h"

#include "command_line.h"
#include "shell_words.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace ttbus::types;
namespace cli = ttbus::cli;
using cli::format;

constexpr int exit_usage = 1;
constexpr int exit_types = 2;
constexpr int exit_database = 3;

std::string usage_text() {
    return _("Usage:\n"
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
             "  -v, --version  version;  -h, --help  this help\n"
             "  cpp options: -undef -Dname[=value] -Idir -Uname -Ydir are passed to the C preprocessor\n"
             "  -G (garbage-collect the database server) is accepted; ttbus has no database server\n");
}

struct Options {
    char action = 0;  // 0 merge, 'r', 'p', 'O', 'P', 'x', 'G', 'v', 'h'
    bool silent = false;
    MergeMode mode = MergeMode::Overwrite;
    std::optional<Level> level;
    std::optional<std::string> out;
    std::vector<std::string> cpp_args;
    std::vector<std::string> operands;
};

// Classic tt_type_comp ran cpp through the shell, which took one level of quotes off the options
// ('-DDIR=\"/a/b\"' defines DIR as "/a/b"): the same words, without a shell. A blank outside
// quotes split an option there; a piece that is no option would have been a file to cpp.
void add_cpp_option(Options& o, const std::string& arg) {
    std::string error;
    auto words = ttbus::tools::shell_words(arg, &error);
    if (!words) cli::usage_error(format(_("cpp option %s: %s"), arg, error));
    for (auto& w : *words) {
        if (w.size() < 2 || w[0] != '-') {
            cli::usage_error(format(_("cpp option %s: '%s' is not an option (quote the blank inside it)"), arg, w));
        }
        o.cpp_args.push_back(std::move(w));
    }
}

// Classic's options, plus the preprocessor's -D, -I, -U, -Y (with a value) and -undef. getopt
// would read -undef as -u -n -d -e -f, so that word is taken out first.
Options parse_command_line(int argc, char** argv) {
    static const option long_options[] = {
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'v'},
        {nullptr, 0, nullptr, 0},
    };
    Options o;
    std::vector<char*> words(argv, argv + argc);
    for (auto it = words.begin() + 1; it != words.end() && std::string_view(*it) != "--";) {
        if (std::string_view(*it) == "-undef") {
            o.cpp_args.emplace_back(*it);
            it = words.erase(it);
        } else {
            ++it;
        }
    }
    words.push_back(nullptr);
    int count = static_cast<int>(words.size()) - 1;
    auto set_action = [&](char a) {
        if (o.action != 0 && o.action != a) cli::usage_error(_("options -r, -p, -O, -P, -x, -G, -v and -h exclude each other"));
        o.action = a;
    };
    for (int c; (c = cli::next_option(count, words.data(), "smMXEd:o:rpOPxGvhD:I:U:Y:", long_options)) != -1;) {
        switch (c) {
            case 's': o.silent = true; break;
            case 'm': o.mode = MergeMode::Overwrite; break;
            case 'M': o.mode = MergeMode::KeepExisting; break;
            case 'X': break;  // XDR is the only database kind
            case 'E': cli::usage_error(_("-E: the Classing Engine is not supported"));
            case 'd':
                o.level = level_from_word(optarg);
                if (!o.level) cli::usage_error(format(_("-d: expected user, system, network or xdg, not '%s'"), optarg));
                break;
            case 'o': o.out = optarg; break;
            case 'D': case 'I': case 'U': case 'Y':
                add_cpp_option(o, std::string{'-', static_cast<char>(c)} + optarg);
                break;
            default: set_action(static_cast<char>(c)); break;  // r p O P x G v h
        }
    }
    o.operands.assign(words.begin() + optind, words.end() - 1);
    return o;
}

class Tool {
public:
    Tool(Options o, Environment env) : o_(std::move(o)), env_(std::move(env)) { cpp_.args = o_.cpp_args; }

    int run() {
        switch (o_.action) {
            case 'h': return cli::print_help(usage_text());
            case 'v': return cli::print_version();
            case 'G':
                std::cout << cli::program() << ": "
                          << _("-G is not applicable: ttbus keeps no database server to garbage-collect") << '\n';
                return 0;
            case 'r': return remove_types();
            case 'p': case 'O': case 'P': return print();
            case 'x': return compile();
            default: return merge_source();
        }
    }

private:
    [[noreturn]] static int usage(const std::string& msg) { cli::usage_error(msg); }

    void report(const Diagnostics& ds) {
        for (const auto& d : ds) {
            if (d.severity == Severity::Error || !o_.silent) std::cerr << format(d) << '\n';
        }
    }
    void note(const std::string& msg) {
        if (!o_.silent) cli::error(msg);
    }
    int fail(int code, const std::string& msg) {
        cli::error(msg);
        return code;
    }

    // A file named on the command line must be there: on the search path a missing file is
    // merely empty, but here it is a mistake to report.
    static std::optional<std::string> unreadable(const std::string& file) {
        if (file == "-" || access(file.c_str(), R_OK) == 0) return std::nullopt;
        return format(_("cannot read %s: %s"), file, std::strerror(errno));
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
        if (!one_source()) return usage(_("give one types source"));
        const std::string& source = o_.operands[0];
        if (auto err = unreadable(source)) return fail(exit_types, *err);
        auto db_path = target();
        if (!db_path) return fail(exit_database, _("no database for this -d level (is HOME set?)"));
        auto db = read_database(*db_path);
        if (!db) return fail(exit_database, format(_("cannot read %s"), *db_path));
        TypeSet known = everything();
        merge(known, db->types, MergeMode::Overwrite);
        auto src = read_source(source, known);
        if (!src) return fail(exit_types, format(_("errors in types file; %s is unchanged"), *db_path));
        if (format_of(*db_path) == FileFormat::Xdr) {
            for (const auto& p : src->ptypes) {
                // A unit alone travels as the start string "systemd-unit:NAME"; beside a start string it cannot.
                if ((!p.unit.empty() && !p.start.empty()) || !p.extensions.empty()) {
                    note(format(_("ptype %s: a unit beside a start string, and x-* members, cannot be stored in %s "
                                  "(use -d xdg for ttbus-only fields)"),
                                p.id, *db_path));
                }
            }
        }
        for (const auto& id : merge(db->types, *src, o_.mode)) {
            if (o_.mode == MergeMode::KeepExisting) note(format(_("%s is already defined; keeping the existing definition"), id));
        }
        if (auto err = write_database(*db_path, db->types)) return fail(exit_database, *err);
        return 0;
    }

    int remove_types() {
        if (o_.operands.empty()) return usage(_("-r needs the names of the types to remove"));
        auto db_path = target();
        if (!db_path) return fail(exit_database, _("no database for this -d level (is HOME set?)"));
        auto db = read_database(*db_path);
        if (!db) return fail(exit_database, format(_("cannot read %s"), *db_path));
        for (const auto& id : remove(db->types, o_.operands)) note(format(_("%s: no such ptype or otype in %s"), id, *db_path));
        if (auto err = write_database(*db_path, db->types)) return fail(exit_database, *err);
        return 0;
    }

    int print() {
        if (o_.operands.size() > 1) return usage(_("give at most one compiled file to print"));
        FileTypes db;
        if (!o_.operands.empty()) {
            const std::string& file = o_.operands[0];
            if (auto err = unreadable(file)) return fail(exit_database, *err);
            db = read_type_file(file, file == "-" ? FileFormat::Xdr : format_of(file), cpp_, {});
        } else if (o_.level) {
            auto path = target();
            if (!path) return fail(exit_database, _("no database for this -d level (is HOME set?)"));
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
        if (!one_source()) return usage(_("give one types source"));
        const std::string& source = o_.operands[0];
        if (auto err = unreadable(source)) return fail(exit_types, *err);
        std::string out = o_.out.value_or(source == "-" ? "types.xdr" : source + ".xdr");
        auto src = read_source(source, everything());
        if (!src) return fail(exit_types, _("errors in types file; nothing written"));
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
    cli::start("tt_type_comp", argv, exit_usage);
    return Tool(parse_command_line(argc, argv), Environment::from_process()).run();
}
