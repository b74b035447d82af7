package dev.junction.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A lexical check that refuses to let one prompt's answer serve another when they differ in negation, numbers,
 * dates or named entities — the differences embeddings are known to blur ("can I" vs "can't I", "2019" vs "2020",
 * "Python" vs "Java").
 *
 * <p>Rules, each symmetric: both prompts or neither must carry a negation cue (not, no, never, n't or n't typed
 * without its apostrophe, cannot, without, ...; a sentence-initial "No," answer particle does not count); the same set
 * of numbers (digits, also inside a word as in "iPhone13" or unspaced CJK text, with their sign; versions; cardinal
 * number words two to ninety, and hundred to trillion after a count; "1,000" = "1000", but "1,5" is not "15";
 * "v2.10.0" = "2.10.0", "2.0" = "2", but "3.10" is not "3.1"); the same set of
 * date words (months, weekdays, today/tomorrow/yesterday); and every named entity of one (a capitalized word not
 * starting a sentence, or an acronym) must occur as a word in the other, whatever its case. Texts written in title
 * case only contribute acronyms as entities.
 *
 * <p>Stateless and thread-safe.
 */
public final class PromptGuard {

    /** Why a pair was refused, or {@link #COMPATIBLE}. */
    public enum Verdict {
        COMPATIBLE, NEGATION, NUMBERS, DATES, ENTITIES
    }

    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing", "nowhere",
            "neither", "nor", "cannot", "without", "nope", "non",
            // contractions typed without the apostrophe ("wont" is left out: it is a word)
            "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "hasnt", "havent", "hadnt",
            "wouldnt", "shouldnt", "couldnt", "mustnt", "neednt", "aint");
    private static final Map<String, String> NUMBER_WORDS = new HashMap<>();
    /**
     * Scale words, numbers only after a count ("2 million" is not "2 billion", "a hundred" is not "a thousand"); vague
     * on their own ("several thousand", "thousands").
     */
    private static final Map<String, String> SCALE_WORDS = Map.of("hundred", "100", "thousand", "1000",
            "million", "1000000", "billion", "1000000000", "trillion", "1000000000000");
    private static final Set<String> DATE_WORDS = Set.of("january", "february", "march", "april", "june", "july",
            "august", "september", "october", "november", "december", "jan", "feb", "apr", "jun", "jul", "aug", "sep",
            "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "today", "tomorrow", "yesterday", "tonight", "weekend", "morning", "evening", "noon", "midnight");
    private static final Set<String> NOT_ENTITIES = Set.of("i", "i'm", "i've", "i'd", "i'll", "ok", "okay");

    static {
        String[] small = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                "twenty"};
        for (int i = 2; i < small.length; i++) { // "one" is too often a pronoun ("which one") to count
            NUMBER_WORDS.put(small[i], Integer.toString(i));
        }
        NUMBER_WORDS.put("zero", "0");
        String[] tens = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        for (int i = 0; i < tens.length; i++) {
            NUMBER_WORDS.put(tens[i], Integer.toString((i + 3) * 10));
        }

    }

    /** "No," opening a sentence answers a question; it does not negate what follows. */
    private static final Pattern ANSWER_PARTICLE =
            Pattern.compile("(^|[.!?]\\s+)(?i:no)\\s*,");
    private static final PromptGuard DEFAULT = new PromptGuard();

    /** The guard with the rules above. */
    public static PromptGuard standard() {
        return DEFAULT;
    }

    private PromptGuard() {
    }

    /** Whether {@code a}'s answer may serve {@code b}. */
    public boolean compatible(String a, String b) {
        return check(a, b) == Verdict.COMPATIBLE;
    }

    /** The first rule the pair breaks, or {@link Verdict#COMPATIBLE}. */
    public Verdict check(String a, String b) {
        Features fa = Features.of(a);
        Features fb = Features.of(b);
        if ((fa.negations > 0) != (fb.negations > 0)) {
            return Verdict.NEGATION;
        }
        if (!fa.numbers.equals(fb.numbers)) {
            return Verdict.NUMBERS;
        }
        if (!fa.dates.equals(fb.dates)) {
            return Verdict.DATES;
        }
        if (!fb.words.containsAll(fa.entities) || !fa.words.containsAll(fb.entities)) {
            return Verdict.ENTITIES;
        }
        return Verdict.COMPATIBLE;
    }

    private record Features(int negations, Set<String> numbers, Set<String> dates, Set<String> entities,
                            Set<String> words) {
        static Features of(String text) {
            List<String> raw = tokens(ANSWER_PARTICLE.matcher(text).replaceAll("$1"));
            int negations = 0;
            Set<String> numbers = new HashSet<>();
            Set<String> dates = new HashSet<>();
            Set<String> words = new HashSet<>();
            int capitalized = 0;
            int alphabetic = 0;
            boolean start = true;
            for (String t : raw) {
                if (t.equals(".")) {
                    start = true;
                    continue;
                }
                boolean initial = start;
                start = false;
                if (initial || t.equals("I") || isNumber(t)) {
                    continue;
                }
                alphabetic++;
                if (Character.isUpperCase(t.charAt(0))) {
                    capitalized++;
                }
            }
            boolean titleCase = alphabetic >= 4 && capitalized * 10 >= alphabetic * 7;
            Set<String> entities = new HashSet<>();
            boolean sentenceStart = true;
            String previous = "";
            for (String t : raw) {
                String before = previous;
                previous = t.toLowerCase(Locale.ROOT);
                if (t.equals(".")) {
                    sentenceStart = true;
                    continue;
                }
                String lower = t.toLowerCase(Locale.ROOT);
                words.add(lower);
                if (isNumber(t)) {
                    numbers.add(normalizeNumber(t));
                    sentenceStart = false;
                    continue;
                }
                if (NEGATIONS.contains(lower) || lower.endsWith("n't")) {
                    negations++;
                }
                String number = NUMBER_WORDS.get(lower);
                if (number == null && (!before.isEmpty() && isNumber(before) || NUMBER_WORDS.containsKey(before)
                        || before.equals("a") || before.equals("one"))) {
                    number = SCALE_WORDS.get(lower);
                }
                if (number != null) {
                    numbers.add(number);
                }
                // Numbers inside a word: CJK text has no spaces ("第10章"), names carry versions ("iPhone13").
                // A plain scan, not a regex matcher: this runs for every word of both prompts of every candidate.
                for (int i = 0, n = t.length(); i < n; i++) {
                    if (t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                        int from = i;
                        while (i + 1 < n && t.charAt(i + 1) >= '0' && t.charAt(i + 1) <= '9') {
                            i++;
                        }
                        numbers.add(normalizeNumber(t.substring(from, i + 1)));
                    }
                }
                if (DATE_WORDS.contains(lower)) {
                    dates.add(lower.length() > 3 && !lower.equals("sept") ? lower : lower.substring(0, 3));
                }
                boolean acronym = t.length() >= 2 && t.chars().allMatch(Character::isUpperCase);
                boolean proper = !sentenceStart && !titleCase && Character.isUpperCase(t.charAt(0));
                if ((acronym || proper) && !NOT_ENTITIES.contains(lower) && number == null
                        && !DATE_WORDS.contains(lower) && !NEGATIONS.contains(lower)) {
                    entities.add(lower);
                }
                sentenceStart = false;
            }
            // Months written in full and abbreviated compare equal.
            Set<String> normalizedDates = new HashSet<>();
            for (String d : dates) {
                normalizedDates.add(d.length() > 3 && !isWeekdayOrRelative(d) ? d.substring(0, 3) : d);
            }
            return new Features(negations, numbers, normalizedDates, entities, words);
        }

        private static boolean isWeekdayOrRelative(String d) {
            return d.endsWith("day") || d.equals("tonight") || d.equals("weekend") || d.equals("morning")
                    || d.equals("evening") || d.equals("noon") || d.equals("midnight");
        }
    }

    /** A number ("1,000", "3.10") or a version ("v2", "v2.10.0"). */
    private static boolean isNumber(String t) {
        if (t.charAt(0) == '-' && t.length() > 1) {
            t = t.substring(1);
        }
        char c = t.charAt(0);
        return Character.isDigit(c) || ((c == 'v' || c == 'V') && t.length() > 1 && Character.isDigit(t.charAt(1)));
    }

    /**
     * "1,000" = "1000", "v2.10.0" = "2.10.0", "2.0" = "2"; other decimals stay as written, since "3.10" and "3.1" are
     * different versions.
     */
    private static String normalizeNumber(String t) {
        String sign = "";
        if (t.charAt(0) == '-') {
            sign = "-";
            t = t.substring(1);
        }
        // A comma groups thousands only when every group after it has three digits ("1,000"); "1,5" is a decimal.
        String s = t.matches("[^,]*\\d(,\\d{3})+([^,\\d][^,]*)?") ? t.replace(",", "") : t;
        if (!Character.isDigit(s.charAt(0))) {
            s = s.substring(1);
        }
        int dot = s.indexOf('.');
        if (dot >= 0 && s.indexOf('.', dot + 1) < 0 && s.chars().skip(dot + 1).allMatch(ch -> ch == '0')) {
            s = s.substring(0, dot);
        }
        return sign + s;
    }

    /**
     * Words (letters, digits, inner apostrophes), numbers (with inner ',' or '.') and sentence ends as ".".
     * Hyphens split words ("Git-based" gives "Git" and "based").
     */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean minus = (c == '-' || c == '\u2212') && i + 1 < n && Character.isDigit(text.charAt(i + 1))
                    && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)));
            if (minus) {
                // A sign, not a hyphen: "-40" is not "40" (ranges like "7-9" have a digit before it).
                int start = i;
                i++;
                while (i < n) {
                    char d = text.charAt(i);
                    if (Character.isLetterOrDigit(d)
                            || ((d == ',' || d == '.') && i + 1 < n && Character.isDigit(text.charAt(i + 1)))) {
                        i++;
                    } else {
                        break;
                    }
                }
                out.add("-" + text.substring(start + 1, i));
            } else if (Character.isLetterOrDigit(c)) {
                int start = i;
                boolean digits = Character.isDigit(c)
                        || ((c == 'v' || c == 'V') && i + 1 < n && Character.isDigit(text.charAt(i + 1)));
                i++;
                while (i < n) {
                    char d = text.charAt(i);
                    if (Character.isLetterOrDigit(d)) {
                        i++;
                    } else if ((d == '\'' || d == '\u2019') && !digits && i + 1 < n && Character.isLetter(text.charAt(i + 1))) {
                        i++;
                    } else if ((d == ',' || d == '.') && digits && i + 1 < n && Character.isDigit(text.charAt(i + 1))) {
                        i++;
                    } else {
                        break;
                    }
                }
                out.add(text.substring(start, i).replace('\u2019', '\''));
            } else {
                if (c == '.' || c == '?' || c == '!' || c == ';' || c == ':' || c == '\n') {
                    out.add(".");
                }
                i++;
            }
        }
        return out;
    }
}
