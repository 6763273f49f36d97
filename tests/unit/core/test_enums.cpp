// The numeric values of every ToolTalk enumeration, as in the classic <Tt/tt_c.h>.
#include "core/wire_types.h"

#include <gtest/gtest.h>

namespace ttbus::core {
namespace {

struct StatusRow {
    Status status;
    int value;
    const char* name;
};

TEST(Enums, StatusValuesAndNames) {
    const StatusRow rows[] = {
        {Status::OK, 0, "TT_OK"},
        {Status::WRN_NOTFOUND, 1, "TT_WRN_NOTFOUND"},
        {Status::WRN_STALE_OBJID, 2, "TT_WRN_STALE_OBJID"},
        {Status::WRN_STOPPED, 3, "TT_WRN_STOPPED"},
        {Status::WRN_SAME_OBJID, 4, "TT_WRN_SAME_OBJID"},
        {Status::WRN_START_MESSAGE, 5, "TT_WRN_START_MESSAGE"},
        {Status::WRN_NOT_ENABLED, 6, "TT_WRN_NOT_ENABLED"},
        {Status::WRN_APPFIRST, 512, "TT_WRN_APPFIRST"},
        {Status::WRN_LAST, 1024, "TT_WRN_LAST"},
        {Status::ERR_CLASS, 1025, "TT_ERR_CLASS"},
        {Status::ERR_DBAVAIL, 1026, "TT_ERR_DBAVAIL"},
        {Status::ERR_DBEXIST, 1027, "TT_ERR_DBEXIST"},
        {Status::ERR_FILE, 1028, "TT_ERR_FILE"},
        {Status::ERR_INVALID, 1029, "TT_ERR_INVALID"},
        {Status::ERR_MODE, 1031, "TT_ERR_MODE"},
        {Status::ERR_ACCESS, 1032, "TT_ERR_ACCESS"},
        {Status::ERR_NOMP, 1033, "TT_ERR_NOMP"},
        {Status::ERR_NOTHANDLER, 1034, "TT_ERR_NOTHANDLER"},
        {Status::ERR_NUM, 1035, "TT_ERR_NUM"},
        {Status::ERR_OBJID, 1036, "TT_ERR_OBJID"},
        {Status::ERR_OP, 1037, "TT_ERR_OP"},
        {Status::ERR_OTYPE, 1038, "TT_ERR_OTYPE"},
        {Status::ERR_ADDRESS, 1039, "TT_ERR_ADDRESS"},
        {Status::ERR_PATH, 1040, "TT_ERR_PATH"},
        {Status::ERR_POINTER, 1041, "TT_ERR_POINTER"},
        {Status::ERR_PROCID, 1042, "TT_ERR_PROCID"},
        {Status::ERR_PROPLEN, 1043, "TT_ERR_PROPLEN"},
        {Status::ERR_PROPNAME, 1044, "TT_ERR_PROPNAME"},
        {Status::ERR_PTYPE, 1045, "TT_ERR_PTYPE"},
        {Status::ERR_DISPOSITION, 1046, "TT_ERR_DISPOSITION"},
        {Status::ERR_SCOPE, 1047, "TT_ERR_SCOPE"},
        {Status::ERR_SESSION, 1048, "TT_ERR_SESSION"},
        {Status::ERR_VTYPE, 1049, "TT_ERR_VTYPE"},
        {Status::ERR_NO_VALUE, 1050, "TT_ERR_NO_VALUE"},
        {Status::ERR_INTERNAL, 1051, "TT_ERR_INTERNAL"},
        {Status::ERR_READONLY, 1052, "TT_ERR_READONLY"},
        {Status::ERR_NO_MATCH, 1053, "TT_ERR_NO_MATCH"},
        {Status::ERR_UNIMP, 1054, "TT_ERR_UNIMP"},
        {Status::ERR_OVERFLOW, 1055, "TT_ERR_OVERFLOW"},
        {Status::ERR_PTYPE_START, 1056, "TT_ERR_PTYPE_START"},
        {Status::ERR_CATEGORY, 1057, "TT_ERR_CATEGORY"},
        {Status::ERR_DBUPDATE, 1058, "TT_ERR_DBUPDATE"},
        {Status::ERR_DBFULL, 1059, "TT_ERR_DBFULL"},
        {Status::ERR_DBCONSIST, 1060, "TT_ERR_DBCONSIST"},
        {Status::ERR_STATE, 1061, "TT_ERR_STATE"},
        {Status::ERR_NOMEM, 1062, "TT_ERR_NOMEM"},
        {Status::ERR_SLOTNAME, 1063, "TT_ERR_SLOTNAME"},
        {Status::ERR_XDR, 1064, "TT_ERR_XDR"},
        {Status::ERR_NETFILE, 1065, "TT_ERR_NETFILE"},
        {Status::ERR_TOOLATE, 1066, "TT_ERR_TOOLATE"},
        {Status::ERR_AUTHORIZATION, 1067, "TT_ERR_AUTHORIZATION"},
        {Status::ERR_VERSION_MISMATCH, 1068, "TT_ERR_VERSION_MISMATCH"},
        {Status::ERR_APPFIRST, 1536, "TT_ERR_APPFIRST"},
        {Status::ERR_LAST, 2047, "TT_ERR_LAST"},
        {Status::STATUS_LAST, 2048, "TT_STATUS_LAST"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(static_cast<int>(r.status), r.value) << r.name;
        EXPECT_EQ(status_name(r.status), r.name);
    }
    EXPECT_EQ(status_name(static_cast<Status>(1030)), "");  // deliberately unused in classic
}

TEST(Enums, ErrorThresholdIsWrnLast) {
    EXPECT_FALSE(is_error(Status::WRN_LAST));
    EXPECT_FALSE(is_error(Status::WRN_START_MESSAGE));
    EXPECT_TRUE(is_error(Status::ERR_CLASS));
}

TEST(Enums, SmallEnumerations) {
    EXPECT_EQ(static_cast<int>(Mode::UNDEFINED), 0);
    EXPECT_EQ(static_cast<int>(Mode::IN), 1);
    EXPECT_EQ(static_cast<int>(Mode::OUT), 2);
    EXPECT_EQ(static_cast<int>(Mode::INOUT), 3);
    EXPECT_EQ(static_cast<int>(Mode::LAST), 4);

    EXPECT_EQ(static_cast<int>(Scope::NONE), 0);
    EXPECT_EQ(static_cast<int>(Scope::SESSION), 1);
    EXPECT_EQ(static_cast<int>(Scope::FILE), 2);
    EXPECT_EQ(static_cast<int>(Scope::BOTH), 3);
    EXPECT_EQ(static_cast<int>(Scope::FILE_IN_SESSION), 4);

    EXPECT_EQ(static_cast<int>(Class::UNDEFINED), 0);
    EXPECT_EQ(static_cast<int>(Class::NOTICE), 1);
    EXPECT_EQ(static_cast<int>(Class::REQUEST), 2);
    EXPECT_EQ(static_cast<int>(Class::OFFER), 3);
    EXPECT_EQ(static_cast<int>(Class::LAST), 4);

    EXPECT_EQ(static_cast<int>(Category::UNDEFINED), 0);
    EXPECT_EQ(static_cast<int>(Category::OBSERVE), 1);
    EXPECT_EQ(static_cast<int>(Category::HANDLE), 2);
    EXPECT_EQ(static_cast<int>(Category::HANDLE_PUSH), 3);
    EXPECT_EQ(static_cast<int>(Category::HANDLE_ROTATE), 4);
    EXPECT_EQ(static_cast<int>(Category::LAST), 5);

    EXPECT_EQ(static_cast<int>(Address::PROCEDURE), 0);
    EXPECT_EQ(static_cast<int>(Address::OBJECT), 1);
    EXPECT_EQ(static_cast<int>(Address::HANDLER), 2);
    EXPECT_EQ(static_cast<int>(Address::OTYPE), 3);
    EXPECT_EQ(static_cast<int>(Address::LAST), 4);

    EXPECT_EQ(static_cast<int>(Disposition::DISCARD), 0);
    EXPECT_EQ(static_cast<int>(Disposition::QUEUE), 1);
    EXPECT_EQ(static_cast<int>(Disposition::START), 2);

    const State states[] = {State::CREATED, State::SENT,     State::HANDLED,  State::FAILED,    State::QUEUED,
                            State::STARTED, State::REJECTED, State::RETURNED, State::ACCEPTED, State::ABSTAINED,
                            State::LAST};
    for (int i = 0; i <= 10; ++i) EXPECT_EQ(static_cast<int>(states[i]), i);
    EXPECT_EQ(name(State::ABSTAINED), "TT_ABSTAINED");
    EXPECT_EQ(name(Scope::FILE_IN_SESSION), "TT_FILE_IN_SESSION");
}

TEST(Enums, RangeChecks) {
    EXPECT_TRUE(valid(Scope::FILE_IN_SESSION));
    EXPECT_FALSE(valid(static_cast<Scope>(5)));
    EXPECT_FALSE(valid(static_cast<Scope>(-1)));
    EXPECT_TRUE(valid(static_cast<Disposition>(3)));  // START|QUEUE
    EXPECT_FALSE(valid(static_cast<Disposition>(4)));
    EXPECT_FALSE(valid(static_cast<Class>(4)));
    EXPECT_FALSE(valid(static_cast<Mode>(4)));
}

}  // namespace
}  // namespace ttbus::core
