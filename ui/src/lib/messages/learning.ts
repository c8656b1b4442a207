// 동영상 강좌 and 실시간 온라인 수업 (ZOOM): words for the video screen, the course page's
// similar videos, and the learner's 나중에 볼 강좌 and live sessions on 나의 신청 내역.
import type { Message } from './message';

export const learning = {
  'nav.videos': { context: 'Header button: video courses to watch at home (동영상 강좌)', ko: '동영상 강좌', en: 'Video courses' },
  'voice.videos': {
    context: 'Spoken when the video course screen opens',
    ko: '동영상 강좌입니다. 강좌를 고르면 휴대전화로 볼 수 있는 QR 코드가 나옵니다.',
    en: 'Video courses. Choose one to get a QR code for watching it on your phone.',
  },
  'videos.heading': { context: 'Heading of the video course screen', ko: '동영상 강좌', en: 'Video courses' },
  'videos.intro': {
    context: 'Line under the heading: videos are watched at home, not at the kiosk',
    ko: '집에서 휴대전화로 보는 강좌입니다. 광명시평생학습원과 경기도 평생학습 포털(GSEEK)의 강좌를 무료로 볼 수 있습니다.',
    en: 'Watch these at home on your phone. Courses from the city’s learning centre and Gyeonggi’s GSEEK portal are free.',
  },
  'videos.search': { context: 'Label of the video search box', ko: '동영상 강좌 검색', en: 'Search video courses' },
  'videos.placeholder': { context: 'Placeholder in the video search box', ko: '강좌 이름이나 초성(예: ㅅㅁㅌㅍ)', en: 'Course name or initials' },
  'videos.stage': { context: 'Filter label: life stage', ko: '생애주기', en: 'Life stage' },
  'videos.count': { context: 'How many video courses match', ko: '동영상 강좌 {count}개', en: '{count} video courses' },
  'videos.none': { context: 'No video course matches the search', ko: '찾는 동영상 강좌가 없습니다. 다른 말로 찾아 보세요.', en: 'No video course matches. Try other words.' },
  'videos.empty': {
    context: 'The kiosk has no video courses yet (never synced them)',
    ko: '아직 받은 동영상 강좌가 없습니다. 중앙 서버와 연결되면 나타납니다.',
    en: 'No video courses yet. They appear once the kiosk is connected.',
  },
  'videos.minutes': { context: 'Running time of a video course', ko: '{minutes}분', en: '{minutes} min' },
  'videos.provider': { context: 'Who provides the video', ko: '제공: {provider}', en: 'By {provider}' },
  'videos.open': { context: 'Button on a video card: show its QR code', ko: 'QR 코드 보기', en: 'Show QR code' },
  'videos.scan': {
    context: 'Large line beside the QR code: how to open the video on a phone',
    ko: '휴대전화 카메라를 켜고 QR 코드를 비추세요. 화면에 뜨는 주소를 누르면 강좌가 열립니다.',
    en: 'Open your phone’s camera and point it at the QR code, then tap the link that appears.',
  },
  'videos.keep': { context: 'Button: add the video to the learner’s watch-later list (나중에 볼 강좌)', ko: '나중에 볼 강좌에 담기', en: 'Save to watch later' },
  'videos.kept': { context: 'After saving: the video is on the list', ko: '나중에 볼 강좌에 담았습니다. 나의 신청 내역에서 인쇄할 수 있습니다.', en: 'Saved. You can print your list from My applications.' },
  'videos.back': { context: 'Button: back to the list of video courses', ko: '동영상 강좌 목록으로', en: 'Back to video courses' },
  'videos.similar': { context: 'Heading on a course page: video courses like this course', ko: '이 강좌와 비슷한 동영상 강좌', en: 'Video courses like this one' },
  'videos.later': { context: 'Section on the learner’s page: her watch-later list', ko: '나중에 볼 강좌', en: 'Watch later' },
  'videos.remove': { context: 'Button: take a video off the watch-later list', ko: '빼기', en: 'Remove' },
  'videos.print': { context: 'Button: print the watch-later list with QR codes', ko: 'QR 코드 목록 인쇄', en: 'Print with QR codes' },
  'level.beginner': { context: 'Video course level 초급', ko: '초급', en: 'Beginner' },
  'level.intermediate': { context: 'Video course level 중급', ko: '중급', en: 'Intermediate' },
  'level.advanced': { context: 'Video course level 고급', ko: '고급', en: 'Advanced' },
  'live.heading': { context: 'Section on the learner’s page: her upcoming live ZOOM classes', ko: '실시간 온라인 수업 (ZOOM)', en: 'Live online classes (ZOOM)' },
  'live.today': { context: 'Badge: the live class is today', ko: '오늘', en: 'Today' },
  'live.passcode': { context: 'The ZOOM meeting passcode, shown only to the signed-in learner', ko: '회의 암호 {passcode}', en: 'Passcode {passcode}' },
  'live.scan': {
    context: 'Line beside the ZOOM QR code',
    ko: '수업 10분 전에 휴대전화 카메라로 QR 코드를 비추세요. 처음이시면 참여 방법 안내문을 인쇄해 가세요.',
    en: 'Ten minutes before class, point your phone’s camera at the QR code. First time? Print the how-to-join slip.',
  },
  'live.print': { context: 'Button: print the large-type how-to-join slip for a ZOOM class', ko: '참여 방법 안내문 인쇄', en: 'Print how to join' },
  'staff.liveSession': {
    context: 'Staff attendance: this class date is held over ZOOM (its roll counts the same)',
    ko: '실시간 온라인(ZOOM)',
    en: 'Live online (ZOOM)',
  },
  'error.video_not_found': {
    context: 'The video course is no longer on the kiosk’s list',
    ko: '동영상 강좌를 찾을 수 없습니다. 목록에서 다시 골라 주세요.',
    en: 'The video course could not be found. Please choose it again from the list.',
  },
  'error.printer_not_ready': {
    context: 'The ZOOM slip could not be printed now; it is not kept for later (it has the passcode)',
    ko: '프린터가 준비되지 않아 인쇄하지 못했습니다. 직원에게 알려 주시거나, 화면의 QR 코드와 회의 암호를 휴대전화로 찍어 가세요.',
    en: 'The printer is not ready. Please tell a staff member, or photograph the QR code and passcode on the screen.',
  },
  'error.live_classes_offline': {
    context: 'Live class links come only from the central server, which cannot be reached',
    ko: '실시간 수업 안내는 중앙 서버와 연결되어 있을 때만 볼 수 있습니다. 잠시 후 다시 확인해 주세요.',
    en: 'Live class details are only available while the kiosk is connected. Please check again shortly.',
  },
} satisfies Record<string, Message>;
