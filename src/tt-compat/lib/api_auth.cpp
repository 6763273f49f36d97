// The .TTauthority helpers keep their classic file behaviour (the format and locking of ICE
// authority files), so ttauth-like tools keep working; ttbus itself never reads the file (the bus
// authenticates connections).
//
// Entries are sequences of five counted fields (2-byte big-endian length, then bytes): protocol
// name, protocol data, network id, auth name, auth data. Entries, the file name and cookies are
// malloc'ed as in libICE (free entries with tt_FreeAuthFileEntry, cookies with free()). Lock
// results are statuses: TT_OK, TT_AUTHFILE_LOCK or TT_AUTHFILE_LOCK_TIMEOUT; tt_WriteAuthFileEntry
// returns TT_OK or TT_AUTHFILE_WRITE.
#include <Tt/tt_c.h>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

// The entry layout of ICE authority files, which classic tools access directly.
struct _tt_AuthFileEntry {
    char* protocol_name;
    unsigned short protocol_data_length;
    char* protocol_data;
    char* network_id;
    char* auth_name;
    unsigned short auth_data_length;
    char* auth_data;
};

namespace {

bool read_field(FILE* f, unsigned short* len, char** out) {
    unsigned char b[2];
    if (std::fread(b, 1, 2, f) != 2) return false;
    unsigned short n = static_cast<unsigned short>((b[0] << 8) | b[1]);
    char* data = static_cast<char*>(std::malloc(n + 1u));
    if (data == nullptr) return false;
    if (n > 0 && std::fread(data, 1, n, f) != n) {
        std::free(data);
        return false;
    }
    data[n] = '\0';
    if (len != nullptr) *len = n;
    *out = data;
    return true;
}

bool write_field(FILE* f, unsigned short len, const char* data) {
    unsigned char b[2] = {static_cast<unsigned char>(len >> 8), static_cast<unsigned char>(len & 0xff)};
    if (std::fwrite(b, 1, 2, f) != 2) return false;
    return len == 0 || std::fwrite(data, 1, len, f) == len;
}

unsigned short text_length(const char* s) {
    return s == nullptr ? 0 : static_cast<unsigned short>(std::strlen(s));
}

bool same(const char* a, const char* b) {
    return a != nullptr && b != nullptr && std::strcmp(a, b) == 0;
}

}  // namespace

extern "C" {

// $TTAUTHORITY, else $HOME/.TTauthority; NULL when neither can be found.
char* tt_AuthFileName(void) {
    static std::string name;
    if (const char* env = std::getenv("TTAUTHORITY"); env != nullptr && *env != '\0') {
        name = env;
    } else if (const char* home = std::getenv("HOME"); home != nullptr) {
        name = std::string(home) + (std::strcmp(home, "/") == 0 ? "" : "/") + ".TTauthority";
    } else {
        return nullptr;
    }
    return name.data();
}

// Classic lock protocol: create "<file>-c", hard-link it to "<file>-l". A lock older than dead
// seconds is broken; each of the retries waits timeout seconds.
int tt_LockAuthFile(char* file_name, int retries, int timeout, long dead) {
    if (file_name == nullptr) return TT_AUTHFILE_LOCK;
    const std::string creat = std::string(file_name) + "-c";
    const std::string link_name = std::string(file_name) + "-l";
    for (int attempt = 0;; ++attempt) {
        struct stat st;
        if (dead > 0 && stat(creat.c_str(), &st) == 0 && std::time(nullptr) - st.st_ctime >= dead) {
            unlink(creat.c_str());
            unlink(link_name.c_str());
        }
        int fd = open(creat.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            close(fd);
            if (link(creat.c_str(), link_name.c_str()) == 0) return TT_OK;
            if (errno != EEXIST) {
                unlink(creat.c_str());
                return TT_AUTHFILE_LOCK;
            }
            unlink(creat.c_str());
        } else if (errno != EEXIST) {
            return TT_AUTHFILE_LOCK;
        }
        if (attempt >= retries) return TT_AUTHFILE_LOCK_TIMEOUT;
        sleep(static_cast<unsigned>(timeout > 0 ? timeout : 0));
    }
}

void tt_UnlockAuthFile(char* file_name) {
    if (file_name == nullptr) return;
    unlink((std::string(file_name) + "-c").c_str());
    unlink((std::string(file_name) + "-l").c_str());
}

Tt_AuthFileEntry tt_ReadAuthFileEntry(FILE* auth_file) {
    if (auth_file == nullptr) return nullptr;
    auto* e = static_cast<Tt_AuthFileEntry>(std::calloc(1, sizeof(_tt_AuthFileEntry)));
    if (e == nullptr) return nullptr;
    bool ok = read_field(auth_file, nullptr, &e->protocol_name) &&
              read_field(auth_file, &e->protocol_data_length, &e->protocol_data) &&
              read_field(auth_file, nullptr, &e->network_id) && read_field(auth_file, nullptr, &e->auth_name) &&
              read_field(auth_file, &e->auth_data_length, &e->auth_data);
    if (!ok) {
        tt_FreeAuthFileEntry(e);
        return nullptr;
    }
    return e;
}

void tt_FreeAuthFileEntry(Tt_AuthFileEntry auth) {
    if (auth == nullptr) return;
    std::free(auth->protocol_name);
    std::free(auth->protocol_data);
    std::free(auth->network_id);
    std::free(auth->auth_name);
    std::free(auth->auth_data);
    std::free(auth);
}

int tt_WriteAuthFileEntry(FILE* auth_file, Tt_AuthFileEntry auth) {
    if (auth_file == nullptr || auth == nullptr) return TT_AUTHFILE_WRITE;
    bool ok = write_field(auth_file, text_length(auth->protocol_name), auth->protocol_name) &&
              write_field(auth_file, auth->protocol_data_length, auth->protocol_data) &&
              write_field(auth_file, text_length(auth->network_id), auth->network_id) &&
              write_field(auth_file, text_length(auth->auth_name), auth->auth_name) &&
              write_field(auth_file, auth->auth_data_length, auth->auth_data);
    return ok ? TT_OK : TT_AUTHFILE_WRITE;
}

Tt_AuthFileEntry tt_GetAuthFileEntry(char* protocol_name, char* network_id, char* auth_name) {
    char* name = tt_AuthFileName();
    if (name == nullptr) return nullptr;
    FILE* f = std::fopen(name, "rb");
    if (f == nullptr) return nullptr;
    Tt_AuthFileEntry found = nullptr;
    while (Tt_AuthFileEntry e = tt_ReadAuthFileEntry(f)) {
        if (same(e->protocol_name, protocol_name) && same(e->network_id, network_id) &&
            same(e->auth_name, auth_name)) {
            found = e;
            break;
        }
        tt_FreeAuthFileEntry(e);
    }
    std::fclose(f);
    return found;
}

// len random bytes from the kernel (classic libICE used a weaker generator).
char* tt_GenerateMagicCookie(int len) {
    if (len <= 0) return nullptr;
    auto* cookie = static_cast<char*>(std::malloc(static_cast<std::size_t>(len) + 1));
    if (cookie == nullptr) return nullptr;
    std::size_t filled = 0;
    while (filled < static_cast<std::size_t>(len)) {
        ssize_t n = getrandom(cookie + filled, static_cast<std::size_t>(len) - filled, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::free(cookie);
            return nullptr;
        }
        filled += static_cast<std::size_t>(n);
    }
    cookie[len] = '\0';
    return cookie;
}

}  // extern "C"
