import { seededRandom } from "./random-vectors.js";

/**
 * Distinct, reproducible prompts of the kinds people save (writing, explaining, coding, planning), to embed with a
 * real model when measuring the vector index on real embeddings. A dozen templates over a few hundred words give
 * tens of thousands of distinct texts, with the near-duplicates and shared topics a real prompt history has.
 */

const TOPICS = [
  "climate change",
  "machine learning",
  "the French revolution",
  "photosynthesis",
  "quantum computing",
  "personal finance",
  "marathon training",
  "sourdough bread",
  "kubernetes deployments",
  "react hooks",
  "SQL indexes",
  "the stock market",
  "vegan recipes",
  "job interviews",
  "time management",
  "ancient Rome",
  "black holes",
  "growing tomatoes",
  "learning Spanish",
  "wedding speeches",
  "python decorators",
  "rust ownership",
  "home workouts",
  "meditation",
  "startup fundraising",
  "email marketing",
  "cybersecurity basics",
  "the water cycle",
  "electric cars",
  "coffee brewing",
  "dog training",
  "public speaking",
  "tax deductions",
  "renewable energy",
  "chess openings",
  "jazz history",
  "wine tasting",
  "mobile app design",
  "GDPR compliance",
  "supply chains",
];
const FORMATS = [
  "blog post",
  "short poem",
  "tweet thread",
  "email",
  "essay",
  "summary",
  "lesson plan",
  "cover letter",
  "product description",
  "FAQ",
  "haiku",
  "speech",
  "newsletter",
  "LinkedIn post",
  "video script",
];
const TONES = [
  "friendly",
  "formal",
  "funny",
  "persuasive",
  "concise",
  "detailed",
  "casual",
  "inspiring",
  "neutral",
];
const AUDIENCES = [
  "beginners",
  "children",
  "experts",
  "my manager",
  "a customer",
  "students",
  "investors",
  "my team",
  "retirees",
  "developers",
];
const LANGUAGES = [
  "Python",
  "JavaScript",
  "TypeScript",
  "Go",
  "Rust",
  "Java",
  "C++",
  "SQL",
  "Bash",
  "Kotlin",
];
const TASKS = [
  "parse a CSV file",
  "call a REST API",
  "sort a list of objects",
  "read environment variables",
  "retry failed requests",
  "cache results",
  "validate an email address",
  "resize images",
  "stream a large file",
  "write unit tests",
];
const OPENERS = ["", "", "", "Hey, ", "Please ", "Can you ", "I need you to ", "Quick one: ", "Help me: "];
const ENDINGS = [
  "",
  "",
  "",
  " please",
  " step by step",
  " with examples",
  " in under 200 words",
  " and keep it short",
  " using markdown",
  " with a table",
  " for a presentation tomorrow",
  " and cite sources",
];

export function syntheticPrompts(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const number = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  const templates = [
    () => `Write a ${pick(TONES)} ${pick(FORMATS)} about ${pick(TOPICS)} for ${pick(AUDIENCES)}`,
    () => `Explain ${pick(TOPICS)} to ${pick(AUDIENCES)} in simple terms`,
    () => `Summarize this article about ${pick(TOPICS)} in ${number(2, 7)} bullet points`,
    () => `How do I ${pick(TASKS)} in ${pick(LANGUAGES)}?`,
    () => `Fix the bug in my ${pick(LANGUAGES)} code that tries to ${pick(TASKS)}`,
    () => `Give me ${number(3, 10)} ideas for a ${pick(FORMATS)} on ${pick(TOPICS)}`,
    () => `Translate my ${pick(FORMATS)} about ${pick(TOPICS)} into Spanish`,
    () => `What are the pros and cons of ${pick(TOPICS)}?`,
    () => `Rewrite this ${pick(FORMATS)} to sound more ${pick(TONES)}`,
    () => `Create a study plan to learn ${pick(TOPICS)} in ${number(2, 12)} weeks`,
    () => `Compare ${pick(LANGUAGES)} and ${pick(LANGUAGES)} for code that has to ${pick(TASKS)}`,
    () => `Draft a ${pick(TONES)} reply to ${pick(AUDIENCES)} asking about ${pick(TOPICS)}`,
  ];
  const prompts = new Set<string>();
  while (prompts.size < count)
    prompts.add(`${pick(OPENERS)}${pick(templates)()}${pick(ENDINGS)}${pick(ENDINGS)}`);
  return [...prompts];
}
