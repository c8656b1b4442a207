// Every visible string, with a note for translators (context). Korean wording follows what
// Korean public learning portals print (수강신청, 접수기간, 접수중, 폐강, 선착순, 추첨).
// Add a language by adding a column; the i18n test fails if any key lacks it.

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

interface Message {
  /** Where the text appears and what it means, for translators. */
  context: string;
  ko: string;
  en: string;
}

export const messages = {
  'app.title': { context: 'Header: product name on every screen', ko: '배움 키오스크', en: 'Baeum Kiosk' },
  'app.city': { context: 'Header: who runs the platform', ko: '광명시 평생학습', en: 'Gwangmyeong Lifelong Learning' },
  'app.language': { context: 'Header button that switches to the other language; shows the target language', ko: 'English', en: '한국어' },
  'home.heading': { context: 'Home: main question above the life-stage buttons', ko: '어떤 강좌를 찾으세요?', en: 'Which courses are you looking for?' },
  'home.stagesLabel': { context: 'Home: accessible name of the group of life-stage buttons', ko: '생애주기로 찾기', en: 'Browse by life stage' },
  'home.all': { context: 'Home: life-stage button that shows every course', ko: '전체', en: 'All' },
  'home.count': { context: 'Home: number of courses found; {count} is a number', ko: '강좌 {count}개', en: '{count} courses' },
  'home.listLabel': { context: 'Home: accessible name of the course list', ko: '강좌 목록', en: 'Course list' },
  'home.empty': { context: 'Home: no courses for the chosen life stage', ko: '이 생애주기에 해당하는 강좌가 아직 없습니다.', en: 'There are no courses for this life stage yet.' },
  'home.noCatalog': {
    context: 'Home: the kiosk has never received the catalog (first start without network)',
    ko: '아직 강좌 목록을 받지 못했습니다. 잠시 후 다시 확인하시거나 직원에게 문의해 주세요.',
    en: 'The course list has not arrived yet. Please check again shortly or ask a staff member.',
  },
  'home.loading': { context: 'Home: while the list loads', ko: '강좌 목록을 불러오는 중입니다…', en: 'Loading courses…' },
  'search.label': { context: 'Search box: accessible name', ko: '강좌 찾기', en: 'Search courses' },
  'search.placeholder': {
    context: 'Search box hint: what can be typed; ㅇㄱ is an example of initial-consonant search',
    ko: '강좌명, 기관, 강사 이름 또는 초성(예: ㅇㄱ)',
    en: 'Course, institution, teacher, or initials (e.g. ㅇㄱ)',
  },
  'search.clear': { context: 'Button that empties the search box', ko: '지우기', en: 'Clear' },
  'filter.field': { context: 'Filter label: lifelong-education field', ko: '분야', en: 'Field' },
  'filter.weekday': { context: 'Filter label: day of the week', ko: '요일', en: 'Day' },
  'filter.time': { context: 'Filter label: time of day', ko: '시간대', en: 'Time' },
  'filter.institution': { context: 'Filter label: institution running the course', ko: '기관', en: 'Institution' },
  'filter.any': { context: 'Filter option: no restriction', ko: '전체', en: 'Any' },
  'filter.free': { context: 'Toggle: only courses without tuition', ko: '무료 강좌만', en: 'Free only' },
  'filter.openNow': { context: 'Toggle: only courses accepting applications now (접수중)', ko: '접수중인 강좌만', en: 'Open for applications' },
  'weekday.mon': { context: 'Weekday filter option', ko: '월요일', en: 'Monday' },
  'weekday.tue': { context: 'Weekday filter option', ko: '화요일', en: 'Tuesday' },
  'weekday.wed': { context: 'Weekday filter option', ko: '수요일', en: 'Wednesday' },
  'weekday.thu': { context: 'Weekday filter option', ko: '목요일', en: 'Thursday' },
  'weekday.fri': { context: 'Weekday filter option', ko: '금요일', en: 'Friday' },
  'weekday.sat': { context: 'Weekday filter option', ko: '토요일', en: 'Saturday' },
  'weekday.sun': { context: 'Weekday filter option', ko: '일요일', en: 'Sunday' },
  'time.morning': { context: 'Time-of-day filter option: starts before noon', ko: '오전 (12시 전)', en: 'Morning (before 12)' },
  'time.afternoon': { context: 'Time-of-day filter option: starts 12:00–17:59', ko: '오후 (12시~18시)', en: 'Afternoon (12–18)' },
  'time.evening': { context: 'Time-of-day filter option: starts 18:00 or later', ko: '저녁 (18시 이후)', en: 'Evening (after 18)' },
  'home.more': { context: 'Button under the list: show the next courses; {shown} of {total}', ko: '더 보기 ({shown}/{total})', en: 'Show more ({shown}/{total})' },
  'home.noMatch': {
    context: 'Search or filters found nothing',
    ko: '찾는 강좌가 없습니다. 검색어나 조건을 바꿔 보세요.',
    en: 'No courses found. Try other words or fewer conditions.',
  },
  'stage.infant': { context: 'Life stage 영유아 (ages 0–5)', ko: '영유아', en: 'Infants' },
  'stage.child': { context: 'Life stage 아동 (ages 6–12)', ko: '아동', en: 'Children' },
  'stage.youth': { context: 'Life stage 청소년 (ages 13–18)', ko: '청소년', en: 'Teens' },
  'stage.young_adult': { context: 'Life stage 청년 (ages 19–39)', ko: '청년', en: 'Young adults' },
  'stage.middle_aged': { context: 'Life stage 중장년 (ages 40–64)', ko: '중장년', en: 'Middle-aged' },
  'stage.senior': { context: 'Life stage 노년 (65+)', ko: '노년', en: 'Seniors' },
  'field.academic': { context: 'Lifelong-education field 학력보완', ko: '학력보완', en: 'Academic completion' },
  'field.literacy': { context: 'Lifelong-education field 성인문해', ko: '성인문해', en: 'Adult literacy' },
  'field.vocational': { context: 'Lifelong-education field 직업능력향상', ko: '직업능력향상', en: 'Job skills' },
  'field.culture_arts': { context: 'Lifelong-education field 문화예술', ko: '문화예술', en: 'Culture and arts' },
  'field.humanities': { context: 'Lifelong-education field 인문교양', ko: '인문교양', en: 'Humanities' },
  'field.civic': { context: 'Lifelong-education field 시민참여', ko: '시민참여', en: 'Civic participation' },
  'phase.open': { context: 'Course badge: applications are being accepted now', ko: '접수중', en: 'Open' },
  'phase.upcoming': { context: 'Course badge: applications open later', ko: '접수예정', en: 'Opens soon' },
  'phase.closed': { context: 'Course badge: applications have closed', ko: '접수마감', en: 'Closed' },
  'phase.cancelled': { context: 'Course badge: the course was cancelled (폐강)', ko: '폐강', en: 'Cancelled' },
  'selection.first_come': { context: 'Course badge: seats go in order of application', ko: '선착순', en: 'First come' },
  'selection.lottery': { context: 'Course badge: seats are drawn by lot', ko: '추첨', en: 'Lottery' },
  'course.period': { context: 'Course card label: dates of the course', ko: '교육기간', en: 'Dates' },
  'course.time': { context: 'Course card label: weekdays and hours', ko: '요일·시간', en: 'Days and time' },
  'course.sessions': { context: 'Course card: number of sessions; {n} is a number', ko: '총 {n}회', en: '{n} sessions' },
  'course.fee': { context: 'Course card label: tuition', ko: '수강료', en: 'Fee' },
  'course.free': { context: 'Course card: the course costs nothing', ko: '무료', en: 'Free' },
  'course.materials': { context: 'Course card: materials fee paid on top; {amount} is formatted money', ko: '재료비 {amount} 별도', en: 'plus {amount} materials' },
  'course.capacity': { context: 'Course card: number of seats; {n} is a number', ko: '정원 {n}명', en: '{n} seats' },
  'course.application': { context: 'Course card label: application period (접수기간)', ko: '접수기간', en: 'Applications' },
  'course.target': { context: 'Course card label: who the course is for (수강대상)', ko: '수강대상', en: 'For' },
  'course.place': { context: 'Course card label: institution and room', ko: '장소', en: 'Place' },
  'course.instructor': { context: 'Course card label: teacher', ko: '강사', en: 'Instructor' },
  'sync.asOf': { context: 'Small note: the list reflects the hub as of this time; {time} like 14:05', ko: '{time} 기준', en: 'as of {time}' },
  'sync.offline': {
    context: 'Banner when the hub cannot be reached; {time} is when the list was last received',
    ko: '지금은 중앙 서버와 연결되지 않아 {time}에 받은 강좌 목록을 보여 드립니다.',
    en: 'The central server cannot be reached. Showing the course list received {time}.',
  },
  'sync.offlineNever': {
    context: 'Banner when the hub cannot be reached and nothing was ever received',
    ko: '지금은 중앙 서버와 연결되지 않습니다.',
    en: 'The central server cannot be reached right now.',
  },
  'sync.retry': { context: 'Button on the offline banner: try to reach the hub again', ko: '다시 연결', en: 'Try again' },
  'sync.retrying': { context: 'Button text while reconnecting', ko: '연결 중…', en: 'Connecting…' },
  'error.hub_unreachable': { context: 'Why sync failed: no network or hub down', ko: '네트워크 연결을 확인해 주세요.', en: 'Please check the network connection.' },
  'error.hub_timeout': { context: 'Why sync failed: hub too slow', ko: '중앙 서버의 응답이 늦습니다.', en: 'The central server is responding slowly.' },
  'error.hub_server_error': { context: 'Why sync failed: hub had an internal error', ko: '중앙 서버에 일시적인 문제가 있습니다.', en: 'The central server has a temporary problem.' },
  'error.hub_bad_answer': { context: 'Why sync failed: hub answered something unreadable', ko: '중앙 서버의 응답을 읽을 수 없어 이전 목록을 그대로 둡니다.', en: 'The server’s answer could not be read; the previous list is kept.' },
  'error.generic': {
    context: 'Any other error; tell the person what to do next',
    ko: '문제가 생겼습니다. 잠시 후 다시 시도하시거나 직원에게 문의해 주세요.',
    en: 'Something went wrong. Please try again shortly or ask a staff member.',
  },
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof messages;
