import { Module } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { FeedbackController } from './feedback.controller';
import { FeedbackRepository } from './feedback.repository';

/** Reviewers' corrections of predictions, kept in the history database beside what they correct. */
@Module({ imports: [HistoryModule], controllers: [FeedbackController], providers: [FeedbackRepository], exports: [FeedbackRepository] })
export class FeedbackModule {}
