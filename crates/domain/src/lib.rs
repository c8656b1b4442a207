//! Baeum's shared vocabulary: catalog types parsed at the edge, Korean programme rules and the
//! hub↔kiosk wire protocol. No IO lives here, so the hub and every kiosk agree by construction.

pub mod attendance;
pub mod certificate;
pub mod club;
pub mod course;
pub mod device;
pub mod enrollment;
pub mod error_code;
pub mod fleet;
pub mod hello;
pub mod ids;
pub mod institution;
pub mod intent;
pub mod kiosk_key;
pub mod learner;
pub mod links;
pub mod live;
pub mod money;
pub mod protocol;
pub mod refund;
pub mod rental;
pub mod rules;
pub mod schedule;
pub mod session;
pub mod staff;
pub mod subsidy;
pub mod text;
pub mod time;
pub mod validation;
pub mod value_error;
pub mod video;
pub mod vocabulary;
pub mod wire_time;

pub use course::{ApplicationPhase, ApplicationWindow, Course, CourseDraft, CourseStatus};
pub use error_code::ErrorCode;
pub use ids::{
    ActivityId, BookingId, ClubId, CourseId, InstitutionId, KioskId, LearnerId, OpId, PlaceId, ProgrammeId, RoomId,
};
pub use institution::{Institution, InstitutionDraft, InstitutionKind, Place, PlaceDraft};
pub use links::PublicUrl;
pub use money::Won;
pub use schedule::{Session, WeeklyPattern};
pub use time::{Clock, FixedClock, SystemClock, kst};
pub use validation::{FieldError, ValidationErrors};
pub use value_error::ValueError;
pub use vocabulary::{Field, LifeStage, Selection, VideoLevel};
