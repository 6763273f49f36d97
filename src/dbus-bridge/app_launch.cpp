#include "app_launch.h"

#include "async_call.h"

#include <gio/gdesktopappinfo.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ttbus::bridge {

namespace {

constexpr const char* systemd_name = "org.freedesktop.systemd1";

// The desktop file id without ".desktop": the application id of the freedesktop specs.
std::string app_id(GAppInfo* app) {
    const char* id = g_app_info_get_id(app);
    std::string s = id != nullptr ? id : "";
    constexpr std::string_view suffix = ".desktop";
    if (s.ends_with(suffix)) s.resize(s.size() - suffix.size());
    return s;
}

// org.freedesktop.Application's object path for an application id: '.' → '/', '-' → '_'.
std::string app_object_path(const std::string& id) {
    std::string path = "/";
    for (char c : id) path += c == '.' ? '/' : c == '-' ? '_' : c;
    return path;
}

struct LaunchedPid {
    GPid pid = 0;
};

void on_launched(GAppLaunchContext*, GAppInfo*, GVariant* platform_data, gpointer data) {
    gint32 pid = 0;
    if (g_variant_lookup(platform_data, "pid", "i", &pid)) static_cast<LaunchedPid*>(data)->pid = pid;
}

}  // namespace

AppLauncher::AppLauncher(sd_bus* bus) : bus_(bus) {
    // Asked once: a user manager that appears later is not expected within one bridge's life.
    sd_bus_message* reply = nullptr;
    int has = 0;
    if (sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "NameHasOwner", nullptr, &reply, "s", systemd_name) >= 0 &&
        sd_bus_message_read(reply, "b", &has) >= 0) {
        user_manager_ = has != 0;
    }
    sd_bus_message_unref(reply);
    g_message("applications are %s", user_manager_ ? "put into transient systemd scopes" : "launched without systemd");
}

std::string AppLauncher::escape_unit_name(const std::string& id) {
    std::string out;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(id[i]);
        if (g_ascii_isalnum(c) || c == ':' || c == '_' || (c == '.' && i > 0)) {
            out += static_cast<char>(c);
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out;
}

void AppLauncher::open(GAppInfo* app, const std::string& uri, Done done) {
    const std::string id = app_id(app);
    if (G_IS_DESKTOP_APP_INFO(app) && g_desktop_app_info_get_boolean(G_DESKTOP_APP_INFO(app), "DBusActivatable") &&
        sd_bus_service_name_is_valid(id.c_str()) > 0) {
        open_by_dbus(id, uri, std::move(done));
        return;
    }
    launch(app, id, uri, done);
}

void AppLauncher::open_by_dbus(const std::string& id, const std::string& uri, Done done) {
    sd_bus_message* call = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &call, id.c_str(), app_object_path(id).c_str(),
                                           "org.freedesktop.Application", "Open");
    if (r >= 0) r = sd_bus_message_append(call, "assa{sv}", 1, uri.c_str(), "", 0);
    if (r >= 0) {
        r = call_async(bus_, call, [done](sd_bus_message* reply) {
            const sd_bus_error* error = sd_bus_message_get_error(reply);
            done(error != nullptr ? std::optional(failure_from_error(*error, {})) : std::nullopt);
        });
    }
    sd_bus_message_unref(call);
    if (r < 0) done(failure_to_send(r));
}

void AppLauncher::launch(GAppInfo* app, const std::string& id, const std::string& uri, const Done& done) {
    GAppLaunchContext* context = g_app_launch_context_new();
    LaunchedPid launched;
    g_signal_connect(context, "launched", G_CALLBACK(on_launched), &launched);
    GList uris{const_cast<char*>(uri.c_str()), nullptr, nullptr};
    GError* error = nullptr;
    const gboolean ok = g_app_info_launch_uris(app, &uris, context, &error);
    g_object_unref(context);
    if (!ok) {
        Failure f{status_ptype_start, "cannot launch " + id + ": " + error->message};
        g_error_free(error);
        done(f);
        return;
    }
    if (user_manager_ && launched.pid > 0) move_to_scope(id, launched.pid);
    done(std::nullopt);
}

void AppLauncher::move_to_scope(const std::string& id, GPid pid) {
    const std::string unit = "app-ttbus-" + escape_unit_name(id) + "-" + std::to_string(pid) + ".scope";
    sd_bus_message* call = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &call, systemd_name, "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
    if (r >= 0) r = sd_bus_message_set_auto_start(call, 0);
    if (r >= 0) {
        r = sd_bus_message_append(call, "ssa(sv)a(sa(sv))", unit.c_str(), "fail", 3, "PIDs", "au", 1,
                                  static_cast<std::uint32_t>(pid), "Slice", "s", "app.slice", "CollectMode", "s",
                                  "inactive-or-failed", 0);
    }
    if (r >= 0) {
        r = call_async(bus_, call, [unit](sd_bus_message* reply) {
            // The application runs anyway; it only stays in the bridge's own cgroup.
            if (const sd_bus_error* e = sd_bus_message_get_error(reply)) {
                g_warning("could not create %s: %s", unit.c_str(), e->message ? e->message : e->name);
            }
        });
    }
    sd_bus_message_unref(call);
    if (r < 0) g_warning("could not create %s: %s", unit.c_str(), std::strerror(-r));
}

}  // namespace ttbus::bridge
