#include "launch/start_command.h"

#include <gtest/gtest.h>

using ttbus::launch::start_argv;
using Argv = std::vector<std::string>;

TEST(StartCommand, PlainCommandLinesRunStraightFromTheirWords) {
    EXPECT_EQ(start_argv("/usr/bin/dtpad"), (Argv{"/usr/bin/dtpad"}));
    EXPECT_EQ(start_argv("  /usr/bin/dtpad -server\t-standAlone  "),
              (Argv{"/usr/bin/dtpad", "-server", "-standAlone"}));
    EXPECT_EQ(start_argv("/opt/x/bin/tool --mode=fast"), (Argv{"/opt/x/bin/tool", "--mode=fast"}))
        << "after an absolute program path, '=' is no assignment";
}

TEST(StartCommand, AnythingTheShellWouldInterpretGoesThroughIt) {
    for (const char* s : {"/bin/a; /bin/b", "/bin/a | /bin/b", "/bin/a > /tmp/log", "/bin/a $HOME", "/bin/a 'x y'",
                          "/bin/a \"x\"", "/bin/a *.txt", "/bin/a ~/f", "/bin/a &", "/bin/a `id`", "/bin/a %h",
                          "/bin/a\n/bin/b", "/bin/a # note", "/bin/a \\x", "/bin/a {b,c}", "/bin/a !x"}) {
        EXPECT_EQ(start_argv(s), (Argv{"/bin/sh", "-c", s})) << s;
    }
}

TEST(StartCommand, BareNamesAndEmptyStringsAreTheShells) {
    EXPECT_EQ(start_argv("dtpad -server"), (Argv{"/bin/sh", "-c", "dtpad -server"}));
    EXPECT_EQ(start_argv("./handler"), (Argv{"/bin/sh", "-c", "./handler"}));
    EXPECT_EQ(start_argv(""), (Argv{"/bin/sh", "-c", ""}));
    EXPECT_EQ(start_argv("   "), (Argv{"/bin/sh", "-c", "   "}));
}
