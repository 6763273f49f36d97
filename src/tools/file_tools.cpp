// ttmv, ttcp, ttrm and ttrmdir: the classic commands that move, copy and remove files together
// with their object specs. Each is a libtt client: it carries or drops the specs first
// (tt_file_move/copy/destroy), then runs mv, cp, rm or rmdir on the files (not with -L), as the
// classic tools did. One source, built once per tool (TTBUS_FILE_TOOL names it).
// Exit status: 0 when every spec and file operation succeeded, 1 otherwise (mv/cp/rm/rmdir's own
// status when they fail), 2 for a usage error.
#include "command_line.h"

#include <Tt/tt_c.h>

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace cli = ttbus::cli;
using cli::format;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

enum class Tool { MV, CP, RM, RMDIR };

struct ToolInfo {
    Tool tool;
    const char* name;
    const char* command;        // what moves, copies or removes the files
    const char* short_options;  // classic letters, and -h/-v
};

constexpr ToolInfo tools[] = {
    {Tool::MV, "ttmv", "mv", "fLhv"},
    {Tool::CP, "ttcp", "cp", "prRLhv"},
    {Tool::RM, "ttrm", "rm", "frRLhv"},
    {Tool::RMDIR, "ttrmdir", "rmdir", "Lhv"},
};

const ToolInfo& this_tool() {
    for (const auto& t : tools) {
        if (std::strcmp(t.name, TTBUS_FILE_TOOL) == 0) return t;
    }
    return tools[0];
}

std::string usage_text(Tool tool) {
    switch (tool) {
    case Tool::MV:
        return _("Usage: ttmv [-fL] pathname1 pathname2\n"
                 "       ttmv [-fL] pathname... directory\n"
                 "       ttmv -h | -v\n"
                 "Moves files with mv and their ToolTalk object specs with them (the specs first).\n"
                 "  -f  report no errors, and pass -f to mv\n"
                 "  -L  move the specs only, not the files\n"
                 "  -v, --version  version;  -h, --help  this help\n");
    case Tool::CP:
        return _("Usage: ttcp [-pL] pathname1 pathname2\n"
                 "       ttcp [-prRL] pathname... directory\n"
                 "       ttcp -h | -v\n"
                 "Copies files with cp and makes copies of their ToolTalk object specs for the copies.\n"
                 "  -p      pass -p to cp (keep modes and times)\n"
                 "  -r, -R  copy directories with what is in them\n"
                 "  -L      copy the specs only, not the files\n"
                 "  -v, --version  version;  -h, --help  this help\n");
    case Tool::RM:
        return _("Usage: ttrm [-frRL] pathname...\n"
                 "       ttrm -h | -v\n"
                 "Removes files with rm and destroys their ToolTalk object specs.\n"
                 "  -f      report no errors, and pass -f to rm\n"
                 "  -r, -R  remove directories with what is in them\n"
                 "  -L      destroy the specs only, not the files\n"
                 "  -v, --version  version;  -h, --help  this help\n");
    case Tool::RMDIR:
        return _("Usage: ttrmdir [-L] directory...\n"
                 "       ttrmdir -h | -v\n"
                 "Removes empty directories with rmdir and destroys their ToolTalk object specs.\n"
                 "  -L  destroy the specs only, not the directories\n"
                 "  -v, --version  version;  -h, --help  this help\n");
    }
    return {};
}

struct Options {
    bool force = false;
    bool specs_only = false;
    bool recursive = false;
    bool preserve = false;
    std::vector<std::string> paths;
};

Options parse(const ToolInfo& info, int argc, char** argv, int* exit_now) {
    static const option long_options[] = {
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'v'},
        {nullptr, 0, nullptr, 0},
    };
    Options o;
    for (int c; (c = cli::next_option(argc, argv, info.short_options, long_options)) != -1;) {
        switch (c) {
        case 'h': *exit_now = cli::print_help(usage_text(info.tool)); return o;
        case 'v': *exit_now = cli::print_version(); return o;
        case 'f': o.force = true; break;
        case 'L': o.specs_only = true; break;
        case 'r':
        case 'R': o.recursive = true; break;
        case 'p': o.preserve = true; break;
        default: break;
        }
    }
    o.paths.assign(argv + optind, argv + argc);
    const bool two_or_more = info.tool == Tool::MV || info.tool == Tool::CP;
    if (o.paths.empty() || (two_or_more && o.paths.size() < 2)) cli::usage_error(_("missing file operand"));
    return o;
}

bool is_directory(const std::string& path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string base_name(const std::string& path) {
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    std::size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Carries or drops the specs of each operand; false when one failed.
bool specs(Tool tool, const Options& o) {
    bool ok = true;
    auto report = [&](const std::string& path, Tt_status s) {
        if (s == TT_OK) return;
        ok = false;
        if (!o.force) cli::error(format(_("the ToolTalk objects of %s: %s"), path, tt_status_message(s)));
    };
    if (tool == Tool::MV || tool == Tool::CP) {
        const std::string& last = o.paths.back();
        const bool into = o.paths.size() > 2 || is_directory(last);
        for (std::size_t i = 0; i + 1 < o.paths.size(); ++i) {
            const std::string& from = o.paths[i];
            const std::string to = into ? last + "/" + base_name(from) : last;
            // A directory's specs are those of what is in it too: only with -r does cp copy it.
            if (tool == Tool::CP && is_directory(from) && !o.recursive) continue;
            report(from, tool == Tool::MV ? tt_file_move(from.c_str(), to.c_str()) : tt_file_copy(from.c_str(), to.c_str()));
        }
        return ok;
    }
    for (const auto& path : o.paths) {
        if (tool == Tool::RM && is_directory(path) && !o.recursive) continue;  // rm refuses it
        report(path, tt_file_destroy(path.c_str()));
    }
    return ok;
}

// Runs mv, cp, rm or rmdir with the options that concern it; its exit status.
int files(const ToolInfo& info, const Options& o) {
    std::vector<std::string> args{info.command};
    if (o.force) args.emplace_back("-f");
    if (o.preserve) args.emplace_back("-p");
    if (o.recursive) args.emplace_back("-R");
    args.emplace_back("--");
    args.insert(args.end(), o.paths.begin(), o.paths.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
    if (rc != 0) {
        cli::error(format(_("cannot run %s: %s"), info.command, std::strerror(rc)));
        return exit_failure;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : exit_failure;
}

}  // namespace

int main(int argc, char** argv) {
    const ToolInfo& info = this_tool();
    cli::start(info.name, argv, exit_usage);
    int exit_now = -1;
    Options o = parse(info, argc, argv, &exit_now);
    if (exit_now >= 0) return exit_now;

    bool specs_ok = false;
    char* procid = tt_open();
    if (tt_ptr_error(procid) != TT_OK) {
        if (!o.force) cli::error(format(_("cannot reach ToolTalk: %s"), tt_status_message(tt_ptr_error(procid))));
    } else {
        specs_ok = specs(info.tool, o);
        tt_close();
    }
    int status = o.specs_only ? 0 : files(info, o);
    return status != 0 ? status : (specs_ok || o.force ? 0 : exit_failure);
}
