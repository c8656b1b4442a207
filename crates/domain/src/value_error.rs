//! Why one value was refused: a name, a number, an amount, a code from a feed. The Korean text is
//! written for the person at the kiosk or the feed's author; code matches on the variant.

use crate::text::TextError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("이름에는 글자만 쓸 수 있습니다")]
    NameCharacters,
    #[error("휴대전화 번호는 010-1234-5678처럼 적어 주세요")]
    Mobile,
    #[error("비밀번호는 숫자 4~6자리로 정해 주세요")]
    PinShape,
    #[error("같은 숫자만 반복한 비밀번호(예: 1111)는 쓸 수 없습니다")]
    PinRepeated,
    /// An institution's phone number as a feed prints it.
    #[error("전화번호 형식이 아닙니다: {0:?}")]
    Phone(String),
    #[error("금액은 0원 이상이어야 합니다 (값: {0})")]
    NegativeAmount(String),
    #[error("금액을 숫자로 읽을 수 없습니다 (값: {0})")]
    Amount(String),
    #[error("생애주기를 하나 이상 적어야 합니다")]
    NoLifeStage,
    #[error("초대 코드는 XXXX-XXXX-XXXX 모양의 12글자입니다")]
    InviteCode,
    #[error("기기 인증 정보의 형식이 맞지 않습니다")]
    DeviceCredential,
    #[error("본인 확인 세션의 형식이 맞지 않습니다")]
    SessionToken,
    #[error("직원 번호는 숫자 4~8자리입니다")]
    StaffNumber,
    #[error("직원 비밀번호는 숫자 6자리입니다")]
    StaffPin,
    #[error("지문은 16자리 16진수입니다 (예: 3f9a 07c2 1b44 d0e8)")]
    Fingerprint,
    /// A kiosk's heartbeat with a value the hub does not store as it is.
    #[error("키오스크 상태 보고의 {field} 값이 맞지 않습니다: {problem}")]
    Heartbeat { field: &'static str, problem: &'static str },
    /// A code or label not in its vocabulary (`what`: 기관 유형, 생애주기, …).
    #[error("알 수 없는 {what}입니다: {value:?} (가능한 값: {known})")]
    Unknown { what: &'static str, value: String, known: String },
}
