import type { TaskItem, TaskSet } from "./types.js";

/**
 * A small built-in task set so the lab works offline with no data files: 10 items per family,
 * short and unambiguous enough for ~135M-parameter models. Items are interleaved by family
 * (logic-01, math-01, code-01, yesno-01, logic-02, ...) so stepping through shows variety.
 */

type Mc = [question: string, choices: [string, string, string, string], gold: "A" | "B" | "C" | "D"];

const LOGIC: Mc[] = [
    [
        "All cats are mammals. All mammals are animals. Which statement must be true?",
        ["All animals are cats.", "All cats are animals.", "Some animals are not mammals.", "No cats are animals."],
        "B"
    ],
    [
        "Tom is taller than Sam. Sam is taller than Ann. Who is the shortest?",
        ["Tom", "Sam", "Tom and Sam are the same height", "Ann"],
        "D"
    ],
    [
        "If it rains, the grass gets wet. It is raining. What follows?",
        ["The grass is wet.", "The grass is dry.", "It is not raining.", "Nothing follows."],
        "A"
    ],
    [
        "No fish can walk. A trout is a fish. Which statement must be true?",
        ["A trout can walk.", "Some fish can walk.", "A trout cannot walk.", "A trout is not a fish."],
        "C"
    ],
    [
        "Box A is heavier than box B. Box C is heavier than box A. Which box is the heaviest?",
        ["Box A", "Box B", "Box C", "It cannot be determined."],
        "C"
    ],
    [
        "Some birds are red. All red things are bright. Which statement must be true?",
        ["Some birds are bright.", "All birds are bright.", "No birds are bright.", "All bright things are birds."],
        "A"
    ],
    [
        "In a race, Ann finished before Ben, and Ben finished before Cal. Who finished last?",
        ["Ann", "Ben", "Ann and Ben tied", "Cal"],
        "D"
    ],
    [
        "Every square has four sides. This shape does not have four sides. What follows?",
        ["The shape is a square.", "The shape is not a square.", "The shape has five sides.", "The shape is a circle."],
        "B"
    ],
    [
        "Every student in the class passed the test. Mia is a student in the class. Which statement must be true?",
        ["Mia passed the test.", "Mia failed the test.", "Mia did not take the test.", "Some students failed the test."],
        "A"
    ],
    [
        "Today is Monday. What day will it be in two days?",
        ["Tuesday", "Thursday", "Wednesday", "Sunday"],
        "C"
    ]
];

const MATH: [question: string, answer: string][] = [
    ["What is 17 + 25?", "42"],
    ["Solve for x: 3x + 5 = 20.", "5"],
    ["What is 1/2 + 1/4? Give the answer as a fraction.", "\\frac{3}{4}"],
    ["What is 20% of 150?", "30"],
    ["What is 9 times 8?", "72"],
    ["Solve the system x + y = 10 and x - y = 4. What is x?", "7"],
    ["What is 3 to the power of 4?", "81"],
    ["What is 2/3 + 1/6? Give the answer as a fraction in lowest terms.", "\\frac{5}{6}"],
    ["What is 144 divided by 12?", "12"],
    ["A rectangle is 6 cm long and 4 cm wide. What is its area in square centimeters?", "24"]
];

interface Code {
    question: string;
    entry: string;
    answer: string;
    tests: [string, string, string];
    setup?: string;
}

const CODE: Code[] = [
    {
        question: "Write a Python function `is_even(n)` that returns True if the integer n is even and False otherwise.",
        entry: "is_even",
        answer: "def is_even(n):\n    return n % 2 == 0",
        tests: ["assert is_even(4) == True", "assert is_even(7) == False", "assert is_even(0) == True"]
    },
    {
        question: "Write a Python function `add(a, b)` that returns the sum of the two numbers a and b.",
        entry: "add",
        answer: "def add(a, b):\n    return a + b",
        tests: ["assert add(2, 3) == 5", "assert add(-1, 1) == 0", "assert add(10, -4) == 6"]
    },
    {
        question: "Write a Python function `reverse_string(s)` that returns the string s reversed.",
        entry: "reverse_string",
        answer: "def reverse_string(s):\n    return s[::-1]",
        tests: ['assert reverse_string("abc") == "cba"', 'assert reverse_string("") == ""', 'assert reverse_string("hello") == "olleh"']
    },
    {
        question: "Write a Python function `max_of_list(lst)` that returns the largest number in the non-empty list lst.",
        entry: "max_of_list",
        answer: "def max_of_list(lst):\n    return max(lst)",
        tests: ["assert max_of_list([1, 5, 3]) == 5", "assert max_of_list([-2, -7]) == -2", "assert max_of_list([4]) == 4"]
    },
    {
        question: "Write a Python function `count_vowels(s)` that returns how many vowels (a, e, i, o, u, upper or lower case) are in the string s.",
        entry: "count_vowels",
        answer: 'def count_vowels(s):\n    return sum(1 for c in s.lower() if c in "aeiou")',
        tests: ['assert count_vowels("hello") == 2', 'assert count_vowels("sky") == 0', 'assert count_vowels("AEIOU") == 5']
    },
    {
        question: "Write a Python function `factorial(n)` that returns n! for a non-negative integer n (factorial(0) is 1).",
        entry: "factorial",
        answer: "def factorial(n):\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n    return result",
        tests: ["assert factorial(0) == 1", "assert factorial(3) == 6", "assert factorial(5) == 120"]
    },
    {
        question: "Write a Python function `is_palindrome(s)` that returns True if the string s reads the same forwards and backwards, else False.",
        entry: "is_palindrome",
        answer: "def is_palindrome(s):\n    return s == s[::-1]",
        tests: ['assert is_palindrome("level") == True', 'assert is_palindrome("hello") == False', 'assert is_palindrome("") == True']
    },
    {
        question: "Write a Python function `circle_area(r)` that returns the area of a circle with radius r, using math.pi.",
        entry: "circle_area",
        answer: "import math\n\ndef circle_area(r):\n    return math.pi * r * r",
        tests: [
            "assert abs(circle_area(1) - math.pi) < 1e-9",
            "assert abs(circle_area(2) - 4 * math.pi) < 1e-9",
            "assert circle_area(0) == 0"
        ],
        setup: "import math"
    },
    {
        question: "Write a Python function `sum_list(lst)` that returns the sum of the numbers in the list lst (0 for an empty list).",
        entry: "sum_list",
        answer: "def sum_list(lst):\n    total = 0\n    for x in lst:\n        total += x\n    return total",
        tests: ["assert sum_list([1, 2, 3]) == 6", "assert sum_list([]) == 0", "assert sum_list([-1, 1]) == 0"]
    },
    {
        question:
            'Write a Python function `fizzbuzz(n)` that returns "FizzBuzz" if n is divisible by both 3 and 5, "Fizz" if only by 3, "Buzz" if only by 5, and otherwise str(n).',
        entry: "fizzbuzz",
        answer:
            'def fizzbuzz(n):\n    if n % 15 == 0:\n        return "FizzBuzz"\n    if n % 3 == 0:\n        return "Fizz"\n    if n % 5 == 0:\n        return "Buzz"\n    return str(n)',
        tests: ['assert fizzbuzz(15) == "FizzBuzz"', 'assert fizzbuzz(9) == "Fizz"', 'assert fizzbuzz(7) == "7"']
    }
];

const YESNO: [question: string, answer: "yes" | "no"][] = [
    ["Can a penguin fly?", "no"],
    ["Is the Sun a star?", "yes"],
    ["Does ice float on water?", "yes"],
    ["Do spiders have six legs?", "no"],
    ["Is Paris a city in France?", "yes"],
    ["Is a whale a fish?", "no"],
    ["At sea level, does pure water boil at 100 degrees Celsius?", "yes"],
    ["Can a human breathe underwater without any equipment?", "no"],
    ["Do most green plants need sunlight to grow?", "yes"],
    ["Is the Moon larger than the Earth?", "no"]
];

const pad = (i: number): string => String(i + 1).padStart(2, "0");

function logicItem(i: number): TaskItem {
    const [question, choices, gold] = LOGIC[i]!;
    return {
        id: `logic-${pad(i)}`,
        task: "demo-logic",
        family: "mc",
        question,
        choices: [...choices],
        answer: gold,
        answer_index: gold.charCodeAt(0) - 65,
        tests: null,
        test_setup: null,
        entry_point: null
    };
}

function mathItem(i: number): TaskItem {
    const [question, answer] = MATH[i]!;
    return { id: `math-${pad(i)}`, task: "demo-math", family: "math", question, choices: null, answer, answer_index: null, tests: null, test_setup: null, entry_point: null };
}

function codeItem(i: number): TaskItem {
    const c = CODE[i]!;
    return {
        id: `code-${pad(i)}`,
        task: "demo-code",
        family: "code",
        question: c.question,
        choices: null,
        answer: c.answer,
        answer_index: null,
        tests: [...c.tests],
        test_setup: c.setup ?? null,
        entry_point: c.entry
    };
}

function yesnoItem(i: number): TaskItem {
    const [question, answer] = YESNO[i]!;
    return { id: `yesno-${pad(i)}`, task: "demo-commonsense", family: "text", question, choices: null, answer, answer_index: null, tests: null, test_setup: null, entry_point: null };
}

function buildItems(): TaskItem[] {
    const items: TaskItem[] = [];
    for (let i = 0; i < 10; i++) items.push(logicItem(i), mathItem(i), codeItem(i), yesnoItem(i));
    return items;
}

export const DEMO_TASKS: TaskSet = { name: "demo", source: "demo", items: buildItems() };
