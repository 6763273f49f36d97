#include "media_handler.h"

#include <memory>

namespace ttbus::bridge {

struct MediaHandler::Lookup {
    MediaHandler* self;
    TtMessage message;
    GFile* file;
};

std::vector<protocol::Pattern> MediaHandler::patterns() const {
    std::vector<protocol::Pattern> out;
    for (const auto& op : config_.media_ops) {
        protocol::Pattern& p = out.emplace_back();
        p.category = protocol::Category::HANDLE;
        p.scopes = session_scopes;
        p.ops = {op};
    }
    return out;
}

std::string MediaHandler::reason_to_pass(const TtMessage& message) const {
    const protocol::MessageBody& m = message.w.body;
    if (!message.w.header.handler_ptype.empty()) return "ptype " + message.w.header.handler_ptype + " handles it";
    if (m.file.empty()) return "no file";
    if (m.args.empty()) return "no contents arg";
    const protocol::Arg& contents = m.args.front();
    if (!config_.media_type_enabled(contents.vtype)) return "media type " + contents.vtype + " is not enabled";
    const auto* bytes = std::get_if<std::string>(&contents.value);
    if (bytes != nullptr && !bytes->empty()) return "the contents are in the message";
    return {};
}

void MediaHandler::handle(const TtMessage& message) {
    if (!message.is(Class::REQUEST)) return;  // a notice needs nothing from an application
    const protocol::MessageBody& m = message.w.body;
    if (std::string why = reason_to_pass(message); !why.empty()) {
        g_message("%s %s: passed on (%s)", m.id.c_str(), m.op.c_str(), why.c_str());
        broker_.reject(m.id);
        return;
    }
    auto* lookup = new Lookup{this, message, g_file_new_for_path(m.file.c_str())};
    g_file_query_info_async(lookup->file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE, G_FILE_QUERY_INFO_NONE,
                            G_PRIORITY_DEFAULT, nullptr, content_type_known, lookup);
}

void MediaHandler::content_type_known(GObject*, GAsyncResult* result, gpointer data) {
    std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(data));
    MediaHandler& self = *lookup->self;
    const protocol::MessageBody& m = lookup->message.w.body;
    GError* error = nullptr;
    GFileInfo* info = g_file_query_info_finish(lookup->file, result, &error);
    if (info == nullptr) {
        self.broker_.fail(m.id, status_enoent, m.file + ": " + error->message);
        g_error_free(error);
        g_object_unref(lookup->file);
        return;
    }
    const std::string content_type = g_file_info_get_content_type(info) ? g_file_info_get_content_type(info) : "";
    g_object_unref(info);
    GAppInfo* app = content_type.empty() ? nullptr : g_app_info_get_default_for_type(content_type.c_str(), FALSE);
    if (app == nullptr) {
        self.broker_.fail(m.id, status_no_match,
                          "no ToolTalk handler and no desktop application for " + content_type + " (" + m.file + ")");
        g_object_unref(lookup->file);
        return;
    }
    gchar* uri = g_file_get_uri(lookup->file);
    g_object_unref(lookup->file);
    const std::string app_name = g_app_info_get_id(app) ? g_app_info_get_id(app) : g_app_info_get_name(app);
    g_message("%s %s %s: opening with %s (%s)", m.id.c_str(), m.op.c_str(), m.file.c_str(), app_name.c_str(),
              content_type.c_str());
    BrokerLink& broker = self.broker_;
    self.launcher_.open(app, uri, [&broker, id = m.id, args = m.args](std::optional<Failure> failure) {
        if (failure) {
            broker.fail(id, failure->status, failure->text);
        } else {
            broker.reply(id, args);  // the application has the document: that is the answer
        }
    });
    g_free(uri);
    g_object_unref(app);
}

}  // namespace ttbus::bridge
