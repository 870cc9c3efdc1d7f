import { Injectable } from '@angular/core';
import { MatPaginatorIntl } from '@angular/material/paginator';

import { PAGINATOR_FR } from './i18n/paginator.fr';

/** French labels for Material's paginator. */
@Injectable()
export class FrenchPaginatorIntl extends MatPaginatorIntl {
  override itemsPerPageLabel = PAGINATOR_FR.itemsPerPage;
  override nextPageLabel = PAGINATOR_FR.next;
  override previousPageLabel = PAGINATOR_FR.previous;
  override firstPageLabel = PAGINATOR_FR.first;
  override lastPageLabel = PAGINATOR_FR.last;
  override getRangeLabel = (page: number, pageSize: number, length: number): string => {
    if (length === 0) return PAGINATOR_FR.empty;
    const start = page * pageSize;
    const n = (value: number) => value.toLocaleString('fr-FR');
    return PAGINATOR_FR.range(n(start + 1), n(Math.min(start + pageSize, length)), n(length));
  };
}
