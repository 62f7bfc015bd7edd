import type {QuestionRows, QuestionWorker} from "./questionWorker.ts";

export interface RunQuestionsOptions {
  /** Runs one question on a worker (a question that must be recorded as failed resolves to its error rows). */
  run: (worker: QuestionWorker, question: number) => Promise<QuestionRows>;
  /** Each finished question, as it finishes (in no particular order). */
  onRows: (question: number, rows: QuestionRows) => void;
  /** Checked before each question is started: true stops handing out questions (Ctrl-C). */
  stopped?: () => boolean;
}

/**
 * Hands `questions` out to the workers' slots as they free up (a slow question never holds back
 * the others: dynamic, not round-robin). An error stops handing out questions; the questions
 * already running finish (their rows still reach `onRows`, so nothing finished is lost) and the
 * first error is thrown.
 */
export async function runQuestions(workers: readonly QuestionWorker[], questions: readonly number[], options: RunQuestionsOptions): Promise<void> {
  let next = 0;
  let failure: {error: unknown} | undefined;
  const slot = async (worker: QuestionWorker) => {
    while (!failure && !options.stopped?.() && next < questions.length) {
      const question = questions[next++]!;
      try {
        options.onRows(question, await options.run(worker, question));
      } catch (error) {
        failure ??= {error};
      }
    }
  };
  await Promise.all(workers.flatMap((w) => Array.from({length: w.slots}, () => slot(w))));
  if (failure) throw failure.error;
}
