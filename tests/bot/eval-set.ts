// Questions customers ask, with the demo article that answers them (null: the
// knowledge base has no answer and the bot must not guess). Paraphrases and typos
// on purpose. Used by `npm run eval:bot` and tests/bot/eval.test.ts.
export interface EvalCase {
  tenant: "acme-insurance" | "globex-telecom";
  question: string;
  expected: string | null;
}

export const EVAL_SET: EvalCase[] = [
  // acme-insurance
  { tenant: "acme-insurance", question: "How do I file a claim?", expected: "How to file a claim" },
  { tenant: "acme-insurance", question: "i want to make a claim for my broken window", expected: "How to file a claim" },
  { tenant: "acme-insurance", question: "what documents do i need to submit a claim", expected: "How to file a claim" },
  { tenant: "acme-insurance", question: "how long does it take to process a claim", expected: "How long does a claim take?" },
  { tenant: "acme-insurance", question: "when will my claim be decided", expected: "How long does a claim take?" },
  { tenant: "acme-insurance", question: "how many days for claim decison", expected: "How long does a claim take?" },
  { tenant: "acme-insurance", question: "I moved house, how do I update my address?", expected: "Changing your address or personal details" },
  { tenant: "acme-insurance", question: "change my phone number", expected: "Changing your address or personal details" },
  { tenant: "acme-insurance", question: "adress change", expected: "Changing your address or personal details" },
  { tenant: "acme-insurance", question: "why is my premium higher this year", expected: "Why did my premium change at renewal?" },
  { tenant: "acme-insurance", question: "my renewal price went up, why?", expected: "Why did my premium change at renewal?" },
  { tenant: "acme-insurance", question: "can I pay monthly by direct debit", expected: "Paying your premium and payment methods" },
  { tenant: "acme-insurance", question: "how do I change my bank details for payments", expected: "Paying your premium and payment methods" },
  { tenant: "acme-insurance", question: "how do i cancel my policy", expected: "Cancelling your policy" },
  { tenant: "acme-insurance", question: "is there a fee to cancel?", expected: "Cancelling your policy" },
  { tenant: "acme-insurance", question: "water is leaking from a burst pipe what should i do", expected: "Emergency help for burst pipes and leaks" },
  { tenant: "acme-insurance", question: "emergency plumber number", expected: "Emergency help for burst pipes and leaks" },
  { tenant: "acme-insurance", question: "does my policy cover medical costs when travelling abroad", expected: "Travel insurance add-on" },
  { tenant: "acme-insurance", question: "add travel cover", expected: "Travel insurance add-on" },
  { tenant: "acme-insurance", question: "do you insure cars?", expected: null },
  { tenant: "acme-insurance", question: "what is the fraud referral form", expected: null },
  { tenant: "acme-insurance", question: "can I get a discount for being a student", expected: null },
  // globex-telecom
  { tenant: "globex-telecom", question: "my internet is not working", expected: "Internet is down: what to check first" },
  { tenant: "globex-telecom", question: "the LOS light on my router is red", expected: "Internet is down: what to check first" },
  { tenant: "globex-telecom", question: "wifi down since this morning, is there an outage?", expected: "Internet is down: what to check first" },
  { tenant: "globex-telecom", question: "how much is the travel pass for roaming", expected: "Roaming and the travel pass" },
  { tenant: "globex-telecom", question: "I was charged roaming in Canada", expected: "Roaming and the travel pass" },
  { tenant: "globex-telecom", question: "using my phone abroad", expected: "Roaming and the travel pass" },
  { tenant: "globex-telecom", question: "can I keep my number if I switch to you", expected: "Keeping your number when you switch (porting)" },
  { tenant: "globex-telecom", question: "port-out PIN", expected: "Keeping your number when you switch (porting)" },
  { tenant: "globex-telecom", question: "I don't understand my bill", expected: "Understanding your bill" },
  { tenant: "globex-telecom", question: "when is my bill due", expected: "Understanding your bill" },
  { tenant: "globex-telecom", question: "how do i upgrade my plan", expected: "Changing your plan" },
  { tenant: "globex-telecom", question: "downgrade plan fee?", expected: "Changing your plan" },
  { tenant: "globex-telecom", question: "how do I set up my voicemail", expected: "Setting up voicemail" },
  { tenant: "globex-telecom", question: "forgot voicemail pin", expected: "Setting up voicemail" },
  { tenant: "globex-telecom", question: "what happens if I pay my bill late", expected: "Late payments and reconnection" },
  { tenant: "globex-telecom", question: "my service was suspended, how do I get reconnected", expected: "Late payments and reconnection" },
  { tenant: "globex-telecom", question: "I'm moving to a new flat, can I take my internet with me", expected: "Moving home with Globex internet" },
  { tenant: "globex-telecom", question: "do you sell iphones", expected: null },
  { tenant: "globex-telecom", question: "what is your CEO's name", expected: null },
  { tenant: "globex-telecom", question: "is there 5G coverage in rural Montana", expected: null },
  { tenant: "globex-telecom", question: "how do I file an insurance claim", expected: null },
];
